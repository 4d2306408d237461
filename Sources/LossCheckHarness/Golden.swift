import Foundation
import LossCheckGoldens

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A golden file that could not be read whole: the file, and where known
/// the line and case. Each one counts as a failure in a run; every
/// `CorpusProblem` has this flat form too (`CorpusProblem.loadProblem`).
public struct LoadProblem: Sendable, Hashable, CustomStringConvertible {
  /// The file (or, for the corpus as a whole, the directory) at fault.
  public var file: String
  /// The 1-based line, when one line is at fault.
  public var line: Int?
  /// The case id, when it could be read.
  public var caseID: String?
  /// What is wrong, without the file and line.
  public var message: String

  /// Makes a problem.
  public init(
    file: String, line: Int? = nil, caseID: String? = nil, message: String
  ) {
    self.file = file
    self.line = line
    self.caseID = caseID
    self.message = message
  }

  /// "file:line (case): message", the parts known.
  public var description: String {
    var s = file
    if let line { s += ":\(line)" }
    if let caseID, !caseID.isEmpty { s += " (\(caseID))" }
    return "\(s): \(message)"
  }
}

/// The golden corpus: golden/<Loss>.jsonl, one case per line.
public struct GoldenCorpus: Sendable {
  /// The golden directory it was read from.
  public var directory: String
  /// The spec of that directory.
  public var spec: Spec
  /// Every case read whole, in file order.
  public var cases: [Case]
  /// Everything wrong with the losses loaded, typed; each fails a run.
  public var corpusProblems: [CorpusProblem]

  /// `corpusProblems` in their flat form, one each, for reports that
  /// count and print them.
  public var problems: [LoadProblem] { corpusProblems.map(\.loadProblem) }

  /// The golden directory: `explicit` if given, else the first
  /// `golden/spec.json` found walking up from the current directory, else
  /// the corpus bundled with the package (``bundled()``). When none is
  /// found it is `golden` in the current directory, so that loading it
  /// fails with a message naming that path.
  public static func locate(_ explicit: String? = nil) -> String {
    if let explicit { return explicit }
    let fm = FileManager.default
    let cwd = fm.currentDirectoryPath
    var dir = cwd
    while true {
      if fm.fileExists(atPath: "\(dir)/golden/spec.json") {
        return "\(dir)/golden"
      }
      let parent = (dir as NSString).deletingLastPathComponent
      if parent == dir || parent.isEmpty { break }
      dir = parent
    }
    return bundled() ?? "\(cwd)/golden"
  }

  /// The golden corpus shipped in the package's resource bundle (the
  /// `LossCheckGoldens` target, a copy of golden/), for a package that
  /// depends on LossCheck; nil when the bundle cannot be found (e.g. a
  /// binary copied away from its build folder).
  public static func bundled() -> String? {
    GoldenBundle.directory
  }

  /// Loads the spec and the golden files of `losses` (all when nil).
  ///
  /// A spec that cannot be read is thrown. Everything else is recorded in
  /// `corpusProblems` and the rest still loads: a line or file that cannot
  /// be read, a loss of the spec with no golden case (file missing or
  /// empty), no case at all, a grid point no value case covers, and, when
  /// every loss is loaded, a golden file whose loss has no spec.
  ///
  /// Files are read as a stream of lines; a line longer than
  /// `maxLineBytes` (by default the limit of the default work budget,
  /// ``WorkBudget/maxLineBytes``) is read past, never held whole, and is a
  /// problem naming its file and line.
  public static func load(
    directory: String, losses: Set<String>? = nil,
    maxLineBytes: Int = WorkBudget().maxLineBytes
  )
    throws(SpecError) -> GoldenCorpus
  {
    let spec = try Spec.load(goldenDirectory: directory)
    var cases: [Case] = []
    var problems: [CorpusProblem] = []
    var selected = 0
    for loss in spec.lossNames where losses?.contains(loss) ?? true {
      selected += 1
      let path = "\(directory)/\(loss).jsonl"
      guard FileManager.default.fileExists(atPath: path) else {
        problems.append(.noGoldenCases(loss: loss, file: path, missing: true))
        continue
      }
      let (c, p) = loadFile(path, maxLineBytes: maxLineBytes)
      cases += c
      problems += p.map { .unreadable($0) }
      for bad in c where bad.loss != loss {
        problems.append(
          .unreadable(
            LoadProblem(
              file: path, line: nil, caseID: bad.id,
              message: "a \(bad.loss) case in the \(loss) file")))
      }
      if c.isEmpty && p.isEmpty {
        problems.append(.noGoldenCases(loss: loss, file: path, missing: false))
      }
    }
    if losses == nil {
      problems += strayFiles(directory: directory, spec: spec)
    }
    if selected > 0 && cases.isEmpty {
      problems.append(.noCases(directory: directory))
    }
    var corpus = GoldenCorpus(
      directory: directory, spec: spec, cases: cases,
      corpusProblems: problems)
    corpus.corpusProblems += corpus.uncoveredGridPoints().map {
      .uncoveredGridPoint($0, file: "\(directory)/\($0.loss).jsonl")
    }
    return corpus
  }

  /// Golden files of `directory` whose loss has no spec file.
  static func strayFiles(directory: String, spec: Spec) -> [CorpusProblem] {
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".jsonl") }.sorted().compactMap {
      let loss = String($0.dropLast(".jsonl".count))
      guard spec.losses[loss] == nil else { return nil }
      return .noSpec(
        loss: loss, file: "\(directory)/\($0)",
        specFile: "\(directory)/spec/\(loss).json")
    }
  }

  /// Reads one golden file: each line a case; an unreadable line is a
  /// problem naming the file, line and (when it can be read) the case id.
  /// The file is read in chunks; a line over `maxLineBytes` is dropped as
  /// it streams past and is a problem of its own.
  public static func loadFile(
    _ path: String, maxLineBytes: Int = WorkBudget().maxLineBytes
  ) -> ([Case], [LoadProblem]) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      return ([], [LoadProblem(file: path, message: "missing or unreadable")])
    }
    defer { close(fd) }
    var failure: Int32 = 0
    var reader = BoundedLineReader(maxLineBytes: maxLineBytes) { buffer in
      while true {
        let n = read(fd, buffer.baseAddress, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { failure = errno }
        return n
      }
    }
    var (cases, problems) = readCases(&reader, path: path)
    if failure != 0 {
      let reason = String(cString: strerror(failure))
      problems.append(LoadProblem(file: path, message: "unreadable: \(reason)"))
    }
    return (cases, problems)
  }

  /// Reads golden-file bytes (`path` names them in problems), with the
  /// same line limit as ``loadFile(_:maxLineBytes:)``.
  public static func parse(
    _ bytes: [UInt8], path: String,
    maxLineBytes: Int = WorkBudget().maxLineBytes
  ) -> ([Case], [LoadProblem]) {
    var offset = 0
    var reader = BoundedLineReader(maxLineBytes: maxLineBytes) { buffer in
      let n = min(buffer.count, bytes.count - offset)
      guard n > 0, let base = buffer.baseAddress else { return 0 }
      bytes.withUnsafeBytes { source in
        guard let from = source.baseAddress else { return }
        base.copyMemory(from: from + offset, byteCount: n)
      }
      offset += n
      return n
    }
    return readCases(&reader, path: path)
  }

  /// Reads the cases of a golden file line by line from `reader`.
  static func readCases(_ reader: inout BoundedLineReader, path: String)
    -> ([Case], [LoadProblem])
  {
    var cases: [Case] = []
    var problems: [LoadProblem] = []
    var seen = Set<String>()
    var lineNo = 0
    while let next = reader.next() {
      lineNo += 1
      let line: [UInt8]
      switch next {
      case .line(let bytes): line = bytes
      case .tooLong(let count):
        problems.append(
          LoadProblem(
            file: path, line: lineNo,
            message: "a line of \(count) bytes, longer than the limit of "
              + "\(reader.maxLineBytes) bytes (32 bytes per element of the "
              + "work budget, --max-elements, plus 1 MiB)"))
        continue
      }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
        continue
      }
      let json: JSONValue
      do {
        json = try JSONParser.parse(line)
      } catch {
        problems.append(
          LoadProblem(
            file: path, line: lineNo, caseID: nil, message: error.description))
        continue
      }
      do {
        let c = try Case(json: json)
        guard c.expected != nil else {
          problems.append(
            LoadProblem(
              file: path, line: lineNo, caseID: c.id, message: "no \"expected\""
            ))
          continue
        }
        guard seen.insert(c.id).inserted else {
          problems.append(
            LoadProblem(
              file: path, line: lineNo, caseID: c.id, message: "duplicate id"))
          continue
        }
        cases.append(c)
      } catch {
        problems.append(
          LoadProblem(
            file: path, line: lineNo, caseID: Case.id(of: json),
            message: error.description))
      }
    }
    if !reader.lastLineEndedWithNewline {
      problems.append(
        LoadProblem(
          file: path, line: lineNo, caseID: nil,
          message: "truncated: the last line does not end in a newline"))
    }
    return (cases, problems)
  }

  /// Grid points (per dtype) that no golden value case covers, per loss in
  /// the spec's order, for the losses with at least one case (a loss
  /// without any is a problem of its own).
  public func uncoveredGridPoints() -> [GridPoint] {
    var missing: [GridPoint] = []
    let byLoss = Dictionary(grouping: cases) { $0.loss }
    for name in spec.lossNames {
      guard let loss = spec.losses[name], let all = byLoss[name] else {
        continue
      }
      let mine = all.filter {
        if case .value? = $0.expected { return true }
        return false
      }
      for dtype in spec.dtypes {
        for point in loss.gridPoints {
          let covered = mine.contains { c in
            c.dtype == dtype
              && point.allSatisfy { (opt, want) in
                GoldenCorpus.matches(c, loss, opt, want)
              }
          }
          if !covered {
            missing.append(
              GridPoint(
                loss: name, dtype: dtype,
                assignments: point.map {
                  GridPoint.Assignment(option: $0.0, value: $0.1)
                }))
          }
        }
      }
    }
    return missing
  }

  static func matches(
    _ c: Case, _ loss: Spec.Loss, _ opt: String, _ want: JSONValue
  ) -> Bool {
    let o = loss.option(opt)
    let have = c.options[opt] ?? o?.defaultValue ?? .null
    if o?.type == .tensor {
      var present = true
      if case .null = have { present = false }
      return want == .bool(present)
    }
    if case .number(let a) = have, case .number(let b) = want {
      return Double(a) == Double(b)
    }
    return have == want
  }
}
