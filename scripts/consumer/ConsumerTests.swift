import Consumer
import Foundation
import LossCheckHarness
import Testing

/// The consumer's own tests: the two losses against values worked out
/// here from their definitions, and the whole golden corpus, read from
/// LossCheck's resource bundle, through the Swift reference.
@Suite struct ConsumerTests {
  @Test func mseMatchesItsDefinition() throws {
    let x: [Float] = [0.5, -1, 2, 3]
    let t: [Float] = [0, 1, 2, -1]
    let r = try ConsumerLosses.mse(x, t)
    let n = Float(x.count)
    let want = zip(x, t).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / n
    #expect(abs(r.value - want) <= 1e-6 * want)
    for i in x.indices {
      #expect(abs(r.dInput[i] - 2 * (x[i] - t[i]) / n) <= 1e-6)
    }
  }

  @Test func crossEntropyMatchesItsDefinition() throws {
    let logits: [Double] = [1, 2, 3, -1, 0, 4]
    let labels: [Int64] = [2, 0]
    let r = try ConsumerLosses.crossEntropy(logits, classes: 3, labels: labels)
    var loss = 0.0
    var grad = [Double](repeating: 0, count: logits.count)
    for (row, label) in labels.enumerated() {
      let z = Array(logits[(row * 3)..<(row * 3 + 3)])
      let lse = log(z.map { exp($0) }.reduce(0, +))
      loss += (lse - z[Int(label)]) / 2
      for k in 0..<3 {
        let p = exp(z[k] - lse)
        grad[row * 3 + k] = (p - (k == Int(label) ? 1 : 0)) / 2
      }
    }
    #expect(abs(r.value - loss) <= 1e-12)
    for i in grad.indices { #expect(abs(r.dInput[i] - grad[i]) <= 1e-12) }
  }

  /// The README's "A Swift type" example as written there (the backend
  /// forwards to the reference), on MSELoss's goldens.
  @Test func theReadmeBackendExampleRuns() throws {
    struct MyBackend: LossBackend {
      let name = "mine"
      let reference: ReferenceBackend
      func evaluate(_ c: Case) -> CaseResult { reference.evaluate(c) }
    }
    let corpus = try GoldenCorpus.load(directory: GoldenCorpus.locate())
    let cases = corpus.cases.filter { $0.loss == "MSELoss" }
    let backend = MyBackend(reference: ReferenceBackend(spec: corpus.spec))
    let verdicts = Runner.run(cases, spec: corpus.spec, backend: backend)
    let problems = corpus.problems.map {
      RunProblem(.goldenFile, message: $0.description)
    }
    let report = RunReport(
      backend: "mine", verdicts: verdicts, problems: problems)
    #expect(ReportFormat.table(report).contains("MSELoss"))
    #expect(report.passed == cases.count && report.failed == 0)
    #expect(cases.count > 100)
  }

  @Test func theBundledGoldenCorpusPasses() throws {
    // This package has no golden/ folder, so locate() must find the bundle.
    let dir = GoldenCorpus.locate()
    #expect(dir == GoldenCorpus.bundled())
    let corpus = try GoldenCorpus.load(directory: dir)
    #expect(corpus.problems.isEmpty, "\(corpus.problems.prefix(3))")
    #expect(corpus.cases.count >= 1000)
    let backend = ReferenceBackend(spec: corpus.spec)
    var failed: [String] = []
    for c in corpus.cases {
      let r = backend.evaluate(c)
      let v = Judge.verdict(c, r, tolerance: corpus.spec.tolerance(for: c))
      if !v.passed { failed.append("\(c.id): \(v.problems)") }
    }
    #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(3))")
    print(
      "consumer: \(corpus.cases.count) golden cases, \(failed.count) failed")
  }
}
