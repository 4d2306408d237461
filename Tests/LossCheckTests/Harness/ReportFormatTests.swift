import Foundation
import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The JSON report reads back into the same model, and the JUnit XML is
/// well-formed whatever the messages hold.
@Suite struct ReportFormatTests {
  /// A report with a pass, a value failure, an error mismatch, a skip and
  /// a run problem.
  static func mixedReport() throws -> RunReport {
    let spec = try #require(Fixtures.spec)
    let cases = Array(Fixtures.cases(of: "L1Loss").prefix(8))
    try #require(cases.count == 8)
    let backend = PerturbingBackend(reference: ReferenceBackend(spec: spec))
    let outcome = Runner.run(cases, spec: spec, backends: [backend])
    return RunReport(
      backend: backend.name, verdicts: outcome.verdicts,
      problems: [
        RunProblem(kind: "golden_file", message: "golden/X.jsonl:3: bad")
      ],
      uncovered: [
        GridPoint(
          loss: "L1Loss", dtype: .float64,
          assignments: [.init(option: "reduction", value: .string("sum"))])
      ],
      goldenDigest: "sha256:00", selection: CaseSelection().json,
      selectedCount: 8, loadSeconds: 0.5, checkSeconds: 1.25)
  }

  @Test func theJSONReportReadsBackIntoTheSameReport() throws {
    let r = try Self.mixedReport()
    #expect(r.skipped > 0 && r.passed > 0)
    #expect(r.verdicts.contains { $0.status == .failed && !$0.fields.isEmpty })
    let text = ReportJSON.encode(r)
    let back = try ReportJSON.decode(Array(text.utf8), source: "r.json")
    #expect(ReportJSON.encode(back) == text)
    #expect(ReportFormat.junit(back) == ReportFormat.junit(r))
    #expect(ReportFormat.table(back) == ReportFormat.table(r))
  }

  @Test func aReportOfAnotherSchemaOrWithABadFieldIsRefused() throws {
    let text = ReportJSON.encode(try Self.mixedReport())
    let other = text.replacingOccurrences(
      of: "losscheck-report/1", with: "losscheck-report/9")
    #expect(throws: ReportDecodeError.self) {
      _ = try ReportJSON.decode(Array(other.utf8), source: "r.json")
    }
    let bad = text.replacingOccurrences(
      of: "\"status\":\"passed\"", with: "\"status\":\"maybe\"")
    do {
      _ = try ReportJSON.decode(Array(bad.utf8), source: "r.json")
      Issue.record("a bad status was accepted")
    } catch {
      #expect(error.description.contains("unknown status 'maybe'"))
    }
  }

  @Test func junitIsWellFormedWithControlCharactersInMessages() throws {
    let nasty =
      "red \u{1B}[31mFAIL\u{1B}[0m nul \u{0} bell \u{7} <&> \" ' \u{FFFE} end"
    let v = Verdict(
      id: "L1Loss/\u{1B}x", loss: "L1Loss", dtype: "float64", status: .failed,
      problems: [nasty], expected: .value(summary: nil),
      actual: .error(kind: .harness(.backendCrashed), message: nasty))
    let skip = Verdict(
      id: "L1Loss/s", loss: "L1Loss", dtype: "float64", status: .skipped,
      expected: .value(summary: nil), actual: .unsupported(reason: nasty))
    let xml = ReportFormat.junit(
      RunReport(
        backend: "exec:\u{0}", verdicts: [v, skip],
        problems: [RunProblem(kind: "k", message: nasty)], interrupted: true))
    #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    #expect(xml.contains("\\x1B[31m"))
    #expect(xml.contains("\\x00"))
    #expect(try Self.parsesAsXML(xml))
    // A message with the escape left raw is not XML: the check can fail.
    #expect(try !Self.parsesAsXML("<a m=\"\u{1B}\"/>"))
  }

  /// Whether Python's expat accepts `xml` (independent of our writer).
  static func parsesAsXML(_ xml: String) throws -> Bool {
    let dir = try TempDir()
    let file = try dir.write("r.xml", xml)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [
      "python3", "-c", "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])",
      file,
    ]
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus == 0
  }

  @Test func interruptedRunsSaySoInEveryForm() throws {
    var r = try Self.mixedReport()
    r.interrupted = true
    r.selectedCount = 20
    #expect(ReportFormat.table(r).contains("INTERRUPTED after 8 of 20 cases"))
    let json = try JSONParser.parse(ReportJSON.encode(r))
    #expect(json["interrupted"] == .bool(true))
    #expect(ReportFormat.junit(r).contains("interrupted after 8 of 20 cases"))
    #expect(!r.ok)
  }
}

/// The reference with planted differences, by position in L1Loss's
/// goldens: case 1's output is off, case 2 answers an error, cases 3 and
/// 4 are unsupported.
struct PerturbingBackend: LossBackend {
  let name = "perturbing"
  let reference: ReferenceBackend

  static let positions: [String: Int] = {
    var d: [String: Int] = [:]
    for (k, c) in Fixtures.cases(of: "L1Loss").enumerated() { d[c.id] = k }
    return d
  }()

  func evaluate(_ c: Case) -> CaseResult {
    let k = Self.positions[c.id] ?? -1
    var r = reference.evaluate(c)
    switch k {
    case 1:
      if case .value(let out, let grads) = r.outcome {
        let shifted = out.doubles.map { $0 + 1 }
        if let t = try? Tensor(shape: out.shape, scalars: shifted) {
          r.outcome = .value(output: .float64(t), grads: grads)
        }
      }
    case 2: r.outcome = .error(kind: .loss(.invalidOption), message: "planted")
    case 3, 4: r.outcome = .unsupported(reason: "planted")
    default: break
    }
    return r
  }
}
