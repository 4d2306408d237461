/// A problem of the run itself rather than of one case (an unreadable
/// golden file, for example); each one fails the run.
public struct RunProblem: Sendable, Equatable, CustomStringConvertible {
  /// The problem kinds `losscheck run` writes; the raw value is the word
  /// in the report.
  public enum Kind: String, Sendable, CaseIterable {
    /// A golden file or line that could not be read whole, or a loss
    /// without golden cases.
    case goldenFile = "golden_file"
    /// A grid point of the spec that no golden case covers.
    case uncoveredGridPoint = "uncovered_grid_point"
  }

  /// A short word, e.g. "golden_file" (a report read back may hold any).
  public var kind: String
  /// What is wrong, on one line.
  public var message: String

  /// Makes a run-level problem of any kind.
  public init(kind: String, message: String) {
    self.kind = kind
    self.message = message
  }

  /// Makes a run-level problem of one of the harness's kinds.
  public init(_ kind: Kind, message: String) {
    self.init(kind: kind.rawValue, message: message)
  }

  public var description: String { message }
}

/// A conformance run: the selected cases through a backend, judged. The
/// table, JSON and JUnit reports are all written from this one model, and
/// `losscheck merge` reads JSON reports back into it.
public struct RunReport: Sendable {
  public var backend: String
  public var losscheckVersion: String
  /// "sha256:<hex>" of the golden directory (see ``GoldenDigest``), or ""
  /// when not computed.
  public var goldenDigest: String
  /// What chose the cases, as given on the command line (see
  /// ``CaseSelection/json``).
  public var selection: JSONObject
  /// The judged cases, in selection order.
  public var verdicts: [Verdict]
  /// Run-level problems; each fails the run.
  public var problems: [RunProblem]
  /// Grid points of the spec that no golden case covers (listed, not
  /// failed).
  public var uncovered: [GridPoint]
  /// True when the run was stopped before every selected case was judged.
  public var interrupted: Bool
  /// How many cases were selected (more than `verdicts.count` when
  /// interrupted).
  public var selectedCount: Int
  public var loadSeconds: Double
  public var checkSeconds: Double

  /// Makes a report; `selectedCount` defaults to the verdicts' count.
  public init(
    backend: String, verdicts: [Verdict], problems: [RunProblem] = [],
    uncovered: [GridPoint] = [], goldenDigest: String = "",
    selection: JSONObject = JSONObject(), interrupted: Bool = false,
    selectedCount: Int? = nil, loadSeconds: Double = 0,
    checkSeconds: Double = 0,
    losscheckVersion: String = LossCheckVersion.string
  ) {
    self.backend = backend
    self.verdicts = verdicts
    self.problems = problems
    self.uncovered = uncovered
    self.goldenDigest = goldenDigest
    self.selection = selection
    self.interrupted = interrupted
    self.selectedCount = selectedCount ?? verdicts.count
    self.loadSeconds = loadSeconds
    self.checkSeconds = checkSeconds
    self.losscheckVersion = losscheckVersion
  }

  /// Failed cases plus run-level problems.
  public var failed: Int {
    verdicts.count(where: { $0.status == .failed }) + problems.count
  }
  public var passed: Int { verdicts.count(where: { $0.status == .passed }) }
  public var skipped: Int { verdicts.count(where: { $0.status == .skipped }) }

  /// True when nothing failed and the run was not interrupted; with
  /// `strict`, a skipped case also makes the run not ok.
  public func ok(strict: Bool = false) -> Bool {
    failed == 0 && !interrupted && !(strict && skipped > 0)
  }

  /// True when nothing failed and the run was not interrupted.
  public var ok: Bool { ok() }

  /// Per loss: cases, passed, failed, skipped, and the worst error as a
  /// fraction of the tolerance (nil when nothing numeric was compared).
  public struct LossRow: Sendable, Equatable {
    public var loss: String
    public var cases: Int
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    public var worstRatio: Double?
  }

  /// One row per loss, in the order the losses first appear.
  public var rows: [LossRow] {
    var order: [String] = []
    var rows: [String: LossRow] = [:]
    for v in verdicts {
      var row =
        rows[v.loss]
        ?? LossRow(
          loss: v.loss, cases: 0, passed: 0, failed: 0, skipped: 0,
          worstRatio: nil)
      if rows[v.loss] == nil { order.append(v.loss) }
      row.cases += 1
      switch v.status {
      case .passed: row.passed += 1
      case .failed: row.failed += 1
      case .skipped: row.skipped += 1
      }
      if let r = v.comparedRatio {
        row.worstRatio = max(row.worstRatio ?? 0, r)
      }
      rows[v.loss] = row
    }
    return order.compactMap { rows[$0] }
  }
}
