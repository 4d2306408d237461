import LossCheckHarness
import LossCheckTestSupport
import Testing

/// Every golden case through the Swift reference, one test argument each:
/// a failure names the case id and its worst element.
@Suite struct GoldenTests {
  @Test func corpusLoadsWhole() throws {
    let corpus = try #require(Fixtures.corpus, "golden/ could not be loaded")
    #expect(corpus.problems.isEmpty, "\(corpus.problems)")
    #expect(corpus.cases.count > 0)
    #expect(
      corpus.uncoveredGridPoints().isEmpty, "\(corpus.uncoveredGridPoints())")
  }

  @Test(arguments: Fixtures.caseIDs)
  func golden(_ id: String) throws {
    let spec = try #require(Fixtures.spec)
    let c = try #require(Fixtures.testCase(id))
    let result = ReferenceBackend(spec: spec).evaluate(c)
    let v = Judge.verdict(c, result, tolerance: spec.tolerance(for: c))
    #expect(v.passed, "\(id): \(v.problems.joined(separator: "; "))")
  }
}
