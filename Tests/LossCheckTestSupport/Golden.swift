import LossCheck
import LossCheckHarness

/// The golden corpus of this source tree, loaded once per test process.
public enum Fixtures {
  public static let corpus: GoldenCorpus? = {
    try? GoldenCorpus.load(directory: GoldenCorpus.locate())
  }()

  public static var spec: Spec? { corpus?.spec }

  /// Every golden case id (the arguments of the parameterized golden test).
  public static var caseIDs: [String] { corpus?.cases.map(\.id) ?? [] }

  static let byID: [String: Case] = {
    var d: [String: Case] = [:]
    for c in corpus?.cases ?? [] { d[c.id] = c }
    return d
  }()

  public static func testCase(_ id: String) -> Case? { byID[id] }

  /// The cases of one loss.
  public static func cases(of loss: String) -> [Case] {
    corpus?.cases.filter { $0.loss == loss } ?? []
  }
}
