import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// The report catches the planted bug, on exactly the cases it affects.
@Suite struct WrongBackendTests {
  @Test func theReportNamesTheWeightedMeanCases() throws {
    let spec = try #require(Fixtures.spec)
    let cases = Fixtures.cases(of: "CrossEntropyLoss")
    let wrong = CrossEntropyIgnoringWeightUnderMean(
      reference: ReferenceBackend(spec: spec))
    let verdicts = Runner.run(cases, spec: spec, backend: wrong)
    let failed = verdicts.filter { !$0.passed }.map(\.id)
    // Only cases with a weight under mean can fail…
    for id in failed {
      let c = try #require(Fixtures.testCase(id))
      #expect(c.options["weight"] != nil, "\(id) has no weight")
      #expect(
        c.options["reduction"] == nil
          || c.options["reduction"] == .string("mean"), "\(id)")
    }
    // …and the weighted-mean value cases with unequal weights do.
    let affected = cases.filter { c in
      guard case .value? = c.expected, case .object? = c.options["weight"]
      else { return false }
      guard
        c.options["reduction"] == nil
          || c.options["reduction"] == .string("mean")
      else {
        return false
      }
      guard case .tensor(let t)? = c.inputs["input"], t.count > 0 else {
        return false
      }
      return true
    }
    #expect(!affected.isEmpty)
    #expect(
      Double(failed.count) >= 0.8 * Double(affected.count),
      "\(failed.count) of \(affected.count)")
    let report = ReportFormat.table(
      RunReport(backend: wrong.name, verdicts: verdicts))
    #expect(report.contains("FAIL CrossEntropyLoss/"))
    #expect(report.contains("weight"))
  }

  @Test func differentialFuzzingFindsItAndShrinksTheCase() throws {
    let spec = try #require(Fixtures.spec)
    let root = (GoldenCorpus.locate() as NSString).deletingLastPathComponent
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [
      "python3", "\(root)/scripts/random_cases.py", "--cases", "300", "--seed",
      "5",
      "--loss", "CrossEntropyLoss",
    ]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let cases = try String(decoding: data, as: UTF8.self).split(separator: "\n")
      .map {
        try Case(json: JSONParser.parse(String($0)))
      }
    try #require(cases.count == 300)
    let reference = ReferenceBackend(spec: spec)
    let found = Fuzzer.run(
      cases, backend: CrossEntropyIgnoringWeightUnderMean(reference: reference),
      against: reference, spec: spec, shrinkBudget: 100)
    #expect(!found.isEmpty)
    for d in found {
      #expect(d.testCase.loss == "CrossEntropyLoss")
      #expect(
        d.testCase.options["weight"] != nil, "shrinking must keep the weight")
    }
    // The reference agrees with itself: no false alarms.
    #expect(
      Fuzzer.run(cases, backend: reference, against: reference, spec: spec)
        .isEmpty)
  }
}
