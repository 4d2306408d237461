/// Something wrong with a golden directory that fails a run: one bad line
/// or file, or the directory as a whole not covering what its spec asks.
public enum CorpusProblem: Sendable, Hashable, CustomStringConvertible {
  /// A file or line that could not be read whole, or a case in the wrong
  /// file; `LoadProblem` says where.
  case unreadable(LoadProblem)
  /// A loss of the spec with no golden case: its file is missing, or
  /// holds no line at all.
  case noGoldenCases(loss: String, file: String, missing: Bool)
  /// A golden file whose loss has no spec file, so none of it would run.
  case noSpec(loss: String, file: String, specFile: String)
  /// The losses loaded hold no case at all.
  case noCases(directory: String)
  /// A grid point of the spec that no golden value case of its dtype
  /// covers; `file` is its loss's golden file.
  case uncoveredGridPoint(GridPoint, file: String)

  /// The flat form: the file at fault and the message.
  public var loadProblem: LoadProblem {
    switch self {
    case .unreadable(let p):
      return p
    case .noGoldenCases(let loss, let file, let missing):
      let why = missing ? "the file is missing" : "the file is empty"
      return LoadProblem(
        file: file, message: "no golden cases for \(loss): \(why)")
    case .noSpec(let loss, let file, let specFile):
      return LoadProblem(
        file: file,
        message: "no spec for \(loss) (\(specFile) is missing), "
          + "so none of its cases can run")
    case .noCases(let directory):
      return LoadProblem(
        file: directory, message: "no cases at all in the losses loaded")
    case .uncoveredGridPoint(let point, let file):
      return LoadProblem(
        file: file, message: "no golden case covers the grid point \(point)")
    }
  }

  /// "file: message", as `LoadProblem` writes it.
  public var description: String { loadProblem.description }
}
