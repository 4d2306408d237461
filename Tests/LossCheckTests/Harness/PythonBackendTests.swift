// The embedded interpreter exists only with the Python trait.
#if Python

  import Foundation
  import Synchronization
  import LossCheckHarness
  import LossCheckPython
  import LossCheckTestSupport
  import Testing

  /// The embedded interpreter (libpython3, Debian's numpy) runs the NumPy
  /// reference in-process and answers like the goldens, from several threads.
  @Suite struct PythonBackendTests {
    var scripts: String {
      ((GoldenCorpus.locate() as NSString).deletingLastPathComponent as NSString)
        .appendingPathComponent("scripts")
    }

    @Test func numpyReferenceInProcessMatchesTheGoldens() throws {
      let spec = try #require(Fixtures.spec)
      let backend = try PythonBackend.numpyReference(scriptsDirectory: scripts)
      let cases = Array(Fixtures.cases(of: "L1Loss").prefix(12))
      try #require(!cases.isEmpty)
      // Concurrent calls: each takes the GIL for its duration.
      let verdicts = Mutex<[Verdict]>([])
      DispatchQueue.concurrentPerform(iterations: cases.count) { i in
        let v = Judge.verdict(
          cases[i], backend.evaluate(cases[i]),
          tolerance: spec.tolerance(for: cases[i]))
        verdicts.withLock { $0.append(v) }
      }
      let all = verdicts.withLock { $0 }
      #expect(all.count == cases.count)
      #expect(all.allSatisfy { $0.passed }, "\(all.map(\.problems))")
    }

    @Test func aModuleWithoutEvaluateIsASetupError() {
      #expect(throws: PythonBackend.SetupError.self) {
        _ = try PythonBackend.module("json")  // json has no evaluate()
      }
    }

    @Test func aRefusedCaseComesBackAsAnErrorResult() throws {
      // The module refuses an unknown loss with an error result.
      let backend = try PythonBackend.module(
        "numpy_backend", searchPath: [scripts + "/backends"])
      let c = try #require(Fixtures.cases(of: "L1Loss").first)
      var broken = c
      broken.loss = "NoSuchLoss"
      guard case .error(let kind, _) = backend.evaluate(broken).outcome else {
        Issue.record("expected an error result")
        return
      }
      #expect(kind == .loss(.invalidOption))
    }
  }

#endif
