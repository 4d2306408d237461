import Foundation
import LossCheckHarness
import Testing

/// The golden corpus in the package's resource bundle, which a dependent
/// package reads through `GoldenCorpus.bundled()`, is golden/ as committed.
@Suite struct GoldenBundleTests {
  @Test func theBundleHoldsEveryGoldenFileUnchanged() throws {
    let bundled = try #require(
      GoldenCorpus.bundled(), "no golden resource bundle found")
    let source = GoldenCorpus.locate()
    #expect(bundled != source, "the bundle is not a copy: \(bundled)")
    let fm = FileManager.default
    let want = try fm.subpathsOfDirectory(atPath: source).sorted()
    let have = try fm.subpathsOfDirectory(atPath: bundled).sorted()
    #expect(have == want)
    #expect(want.contains("spec.json"))
    for name in want where name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
      let a = fm.contents(atPath: "\(source)/\(name)")
      let b = fm.contents(atPath: "\(bundled)/\(name)")
      #expect(a != nil && a == b, "\(name) differs in the bundle")
    }
  }

  @Test func theBundledCorpusLoadsWhole() throws {
    let dir = try #require(GoldenCorpus.bundled())
    let corpus = try GoldenCorpus.load(directory: dir)
    #expect(corpus.problems.isEmpty, "\(corpus.problems.prefix(3))")
    #expect(corpus.cases.count >= 1000)
  }
}
