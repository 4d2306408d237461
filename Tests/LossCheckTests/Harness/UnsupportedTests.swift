import Foundation
import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

#if Python
  import LossCheckPython
#endif

/// The reference, except that it answers `unsupported` for one loss.
struct PartialBackend: LossBackend {
  let name = "partial"
  let reference: ReferenceBackend
  let missing: String

  func evaluate(_ c: Case) -> CaseResult {
    guard c.loss != missing else {
      return CaseResult(
        id: c.id, outcome: .unsupported(reason: "\(missing) is not implemented")
      )
    }
    return reference.evaluate(c)
  }
}

/// A backend that does not implement a loss has those cases skipped: own
/// column, `<skipped>` in JUnit, status "skipped" in JSON, never a failure
/// (unless strict).
@Suite struct UnsupportedTests {
  func cases() throws -> [Case] {
    let l1 = Array(Fixtures.cases(of: "L1Loss").prefix(5))
    let mse = Array(Fixtures.cases(of: "MSELoss").prefix(4))
    try #require(l1.count == 5 && mse.count == 4)
    return l1 + mse
  }

  func checkSkipped(_ report: RunReport, skippedLoss: String) throws {
    #expect(report.skipped == 4)
    #expect(report.failed == 0, "\(report.verdicts.flatMap(\.problems))")
    #expect(report.passed == 5)
    #expect(report.ok(strict: false))
    #expect(!report.ok(strict: true))
    let table = ReportFormat.table(report)
    #expect(table.contains("skipped"))
    let row = try #require(
      table.split(separator: "\n").first { $0.hasPrefix(skippedLoss) })
    #expect(
      row.split(separator: " ").map(String.init) == [
        skippedLoss, "4", "0", "0", "4", "—",
      ])
    let junit = ReportFormat.junit(report)
    #expect(junit.components(separatedBy: "<skipped message=").count - 1 == 4)
    #expect(!junit.contains("<failure"))
    let json = try JSONParser.parse(ReportJSON.encode(report))
    guard case .array(let list)? = json["cases"] else {
      Issue.record("no cases array")
      return
    }
    let skipped = list.filter { $0["status"] == .string("skipped") }
    #expect(skipped.count == 4)
    #expect(skipped.allSatisfy { $0["loss"] == .string(skippedLoss) })
    #expect(
      skipped.allSatisfy { $0["actual"]?["kind"] == .string("unsupported") })
    #expect(json["totals"]?["skipped"] == .number("4"))
  }

  @Test func aSwiftBackendCanSayUnsupported() throws {
    let spec = try #require(Fixtures.spec)
    let backend = PartialBackend(
      reference: ReferenceBackend(spec: spec), missing: "MSELoss")
    let outcome = Runner.run(try cases(), spec: spec, backends: [backend])
    try checkSkipped(
      RunReport(backend: backend.name, verdicts: outcome.verdicts),
      skippedLoss: "MSELoss")
  }

  @Test func anExecBackendCanSayUnsupported() throws {
    let spec = try #require(Fixtures.spec)
    let dir = try TempDir()
    let script = try dir.write("partial.py", PartialScript.text)
    let backend = ExecBackend(command: "python3 \(script)", timeout: 30)
    let outcome = Runner.run(try cases(), spec: spec, backends: [backend])
    try checkSkipped(
      RunReport(backend: backend.name, verdicts: outcome.verdicts),
      skippedLoss: "MSELoss")
  }

  #if Python
    @Test func aPythonModuleCanSayUnsupported() throws {
      let dir = try TempDir()
      _ = try dir.write(
        "partial_module.py",
        """
        def evaluate(case):
            return {"id": case["id"], "unsupported": "no " + case["loss"]}
        """)
      let backend = try PythonBackend.module(
        "partial_module", searchPath: [dir.path])
      let c = try #require(Fixtures.cases(of: "MSELoss").first)
      let r = backend.evaluate(c)
      guard case .unsupported(let reason) = r.outcome else {
        Issue.record("expected unsupported, got \(r.outcome)")
        return
      }
      #expect(reason == "no MSELoss")
      let spec = try #require(Fixtures.spec)
      #expect(
        Judge.verdict(c, r, tolerance: spec.tolerance(for: c)).status
          == .skipped)
    }
  #endif

  @Test func theResultLineRoundTripsAndAWrongTypeIsRefused() throws {
    let r = try CaseResult(
      json: JSONParser.parse(#"{"id":"a","unsupported":"why"}"#))
    guard case .unsupported("why") = r.outcome else {
      Issue.record("not read as unsupported: \(r.outcome)")
      return
    }
    #expect(JSONWriter.write(r.json) == #"{"id":"a","unsupported":"why"}"#)
    #expect(throws: CaseError.self) {
      try CaseResult(json: JSONParser.parse(#"{"id":"a","unsupported":true}"#))
    }
  }

  @Test func aWrongIdOnAnUnsupportedAnswerStillFails() throws {
    let c = try #require(Fixtures.cases(of: "MSELoss").first)
    let r = CaseResult(id: "other", outcome: .unsupported(reason: "x"))
    let v = Judge.verdict(c, r, tolerance: Tolerance(rtol: 0, atol: 0))
    #expect(v.status == .failed)
  }
}

/// An exec backend in Python: the NumPy reference, but `unsupported` for
/// MSELoss.
enum PartialScript {
  static var text: String {
    let root = (GoldenCorpus.locate() as NSString).deletingLastPathComponent
    return """
      import json, sys
      sys.path.insert(0, \(pyString(root + "/scripts/backends")))
      import numpy_backend
      for line in sys.stdin:
          case = json.loads(line)
          if case["loss"] == "MSELoss":
              answer = {"id": case["id"], "unsupported": "MSELoss is not implemented"}
          else:
              answer = numpy_backend.evaluate(case)
          sys.stdout.write(json.dumps(answer) + "\\n")
          sys.stdout.flush()
      """
  }

  static func pyString(_ s: String) -> String {
    "'"
      + s.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "'", with: "\\'") + "'"
  }
}

/// A temporary directory, removed when released.
final class TempDir {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "losscheck-test-" + UUID().uuidString
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `text` to `name` in the directory and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let p = (path as NSString).appendingPathComponent(name)
    try text.write(toFile: p, atomically: false, encoding: .utf8)
    return p
  }
}
