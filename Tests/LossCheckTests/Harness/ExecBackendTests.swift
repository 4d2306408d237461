import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// A backend that crashes, hangs or answers garbage is reported per case,
/// never waited on forever.
@Suite struct ExecBackendTests {
  func someCases(_ n: Int) throws -> [Case] {
    let cases = Fixtures.cases(of: "L1Loss").prefix(n)
    try #require(cases.count == n)
    return Array(cases)
  }

  func run(_ command: String, timeout: Double, cases: [Case]) throws -> [Verdict] {
    let spec = try #require(Fixtures.spec)
    let backend = ExecBackend(command: command, timeout: timeout, maxRestarts: 3)
    return Runner.run(cases, spec: spec, backend: backend)
  }

  @Test func theNumPyReferenceAnswersLikeTheGoldens() throws {
    let verdicts = try run(
      "python3 scripts/backends/numpy_backend.py", timeout: 30, cases: try someCases(4))
    #expect(verdicts.allSatisfy { $0.passed }, "\(verdicts.map(\.problems))")
  }

  @Test func aCrashMidStreamIsReportedOnThatCaseAndTheBackendRestarts() throws {
    // Answers the first case it is given, then exits with status 3.
    let script = """
      python3 -u -c 'import sys, json
      line = sys.stdin.readline()
      print(json.dumps({"id": json.loads(line)["id"], "error": {"kind": "x", "message": ""}}))
      sys.stdin.readline()
      sys.exit(3)'
      """
    let start = Date()
    let verdicts = try run(script, timeout: 10, cases: try someCases(4))
    #expect(Date().timeIntervalSince(start) < 20)
    #expect(verdicts.count == 4)
    let crashes = verdicts.filter { $0.problems.contains { $0.contains("backend_crashed") } }
    #expect(crashes.count == 2, "\(verdicts.map(\.problems))")
    #expect(crashes.allSatisfy { $0.problems.joined().contains("status 3") })
  }

  @Test func aHangIsStoppedAtTheTimeout() throws {
    let start = Date()
    let verdicts = try run("sleep 1000", timeout: 0.5, cases: try someCases(2))
    #expect(Date().timeIntervalSince(start) < 10)
    #expect(verdicts.allSatisfy { $0.problems.joined().contains("backend_timeout") })
  }

  @Test func garbageIsReportedAsABadAnswer() throws {
    let script = """
      python3 -u -c 'import sys
      for line in sys.stdin: print("not json", flush=True)'
      """
    let verdicts = try run(script, timeout: 10, cases: try someCases(2))
    #expect(verdicts.allSatisfy { $0.problems.joined().contains("backend_bad_answer") })
  }

  @Test func aMissingProgramIsReportedNotThrown() throws {
    let verdicts = try run("/nonexistent/backend", timeout: 1, cases: try someCases(1))
    #expect(verdicts.first?.problems.joined().contains("backend_crashed") == true)
  }
}
