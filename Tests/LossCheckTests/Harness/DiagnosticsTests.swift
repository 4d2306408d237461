import Foundation
import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// What a failing case reports: counts out of tolerance, the worst element
/// and the others, both sides of an outcome mismatch, a crash's stderr.
@Suite struct DiagnosticsTests {
  let tol = Tolerance(rtol: 1e-6, atol: 1e-9)

  static func tensor(_ shape: [Int], _ data: [Double]) throws -> AnyTensor {
    .float64(try Tensor(shape: shape, scalars: data))
  }

  /// A golden with a 4×6 output, and a result with three elements off by
  /// different amounts (the worst at [1, 2]).
  func perturbed() throws -> (Case, CaseResult) {
    let golden = (0..<24).map { Double($0) + 0.5 }
    var got = golden
    got[8] += 0.25  // [1, 2], the worst
    got[3] += 0.01  // [0, 3]
    got[23] += 0.1  // [3, 5]
    let c = Case(
      id: "L1Loss/float64/none/perturbed", loss: "L1Loss", dtype: .float64,
      inputs: [:],
      expected: .value(output: try Self.tensor([4, 6], golden), grads: [:]))
    let r = CaseResult(
      id: c.id,
      outcome: .value(output: try Self.tensor([4, 6], got), grads: [:]))
    return (c, r)
  }

  @Test func threeOfTwentyFourOutOfToleranceWithTheWorstAndTheOthers() throws {
    let (c, r) = try perturbed()
    let v = Judge.verdict(c, r, tolerance: tol)
    #expect(v.status == .failed)
    let f = try #require(v.fields.first)
    #expect(f.compared == 24)
    #expect(f.outOfTolerance == 3)
    #expect(f.worst?.index == [1, 2])
    #expect(f.worst?.expected == 8.5)
    #expect(f.worst?.actual == 8.75)
    #expect(f.others.map(\.index) == [[3, 5], [0, 3]])
    #expect(v.problems.first?.contains("output: 3/24 out of tolerance") == true)
    #expect(
      v.problems.first?.contains("worst [1, 2] expected 8.5 got 8.75") == true)
    let table = ReportFormat.table(RunReport(backend: "t", verdicts: [v]))
    #expect(table.contains("3/24 out of tolerance"))
    #expect(table.contains("also [3, 5] expected 23.5 got 23.6"))
    #expect(table.contains("also [0, 3] expected 3.5 got 3.51"))
  }

  @Test func onlyFiveOthersAreListedButAllAreCounted() throws {
    let golden = [Double](repeating: 1, count: 24)
    var got = golden
    for i in 0..<10 { got[i] = 1 + Double(i + 1) }
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .value(output: try Self.tensor([24], golden), grads: [:]))
    let r = CaseResult(
      id: "c", outcome: .value(output: try Self.tensor([24], got), grads: [:]))
    let v = Judge.verdict(c, r, tolerance: tol)
    let f = try #require(v.fields.first)
    #expect(f.outOfTolerance == 10)
    #expect(f.worst?.index == [9])
    #expect(f.others.map(\.index) == [[8], [7], [6], [5], [4]])
    #expect(
      ReportFormat.table(RunReport(backend: "t", verdicts: [v])).contains(
        "… 4 more"))
  }

  @Test func aValueWhereAnErrorWasExpectedShowsTheValue() throws {
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .error(kind: .loss(.shapeMismatch), message: "sizes 3 and 4"))
    let r = CaseResult(
      id: "c",
      outcome: .value(
        output: try Self.tensor([], [0.4]),
        grads: [
          "input": try Self.tensor([3, 5], Array(repeating: 0, count: 15))
        ]))
    let v = Judge.verdict(c, r, tolerance: tol)
    #expect(v.status == .failed)
    #expect(v.actual == .value(summary: "output [] = 0.4; grads input [3, 5]"))
    let p = v.problems.joined()
    #expect(p.contains("expected error shape_mismatch (sizes 3 and 4)"))
    #expect(p.contains("got a value: output [] = 0.4; grads input [3, 5]"))
  }

  @Test func anErrorWhereAValueWasExpectedShowsBothSides() throws {
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .value(output: try Self.tensor([2], [1, 2]), grads: [:]))
    let r = CaseResult(
      id: "c",
      outcome: .error(kind: .loss(.invalidOption), message: "no such option"))
    let v = Judge.verdict(c, r, tolerance: tol)
    #expect(v.expected == .value(summary: "output [2] = [1.0, 2.0]"))
    #expect(
      v.problems.joined().contains("got error invalid_option: no such option"))
  }

  @Test func errorsAnyAcceptsAnyErrorButNotAValue() throws {
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .error(kind: .loss(.shapeMismatch), message: ""))
    let other = CaseResult(
      id: "c", outcome: .error(kind: .loss(.invalidOption), message: ""))
    #expect(!Judge.verdict(c, other, tolerance: tol, errors: .kind).passed)
    #expect(Judge.verdict(c, other, tolerance: tol, errors: .any).passed)
    let value = CaseResult(
      id: "c", outcome: .value(output: try Self.tensor([], [1]), grads: [:]))
    #expect(!Judge.verdict(c, value, tolerance: tol, errors: .any).passed)
    let wantsValue = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .value(output: try Self.tensor([], [1]), grads: [:]))
    #expect(
      !Judge.verdict(wantsValue, other, tolerance: tol, errors: .any).passed)
  }

  @Test func aCrashedBackendShowsItsExitStatusAndStderrOnTheCase() throws {
    let cases = Array(Fixtures.cases(of: "L1Loss").prefix(2))
    try #require(cases.count == 2)
    let spec = try #require(Fixtures.spec)
    let script = """
      python3 -u -c 'import sys
      sys.stdin.readline()
      sys.stderr.write("segfault in kernel_l1 at row 3\\n")
      sys.stderr.flush()
      sys.exit(7)'
      """
    let outcome = Runner.run(
      cases, spec: spec,
      backends: [ExecBackend(command: script, timeout: 10, maxRestarts: 3)])
    let v = try #require(outcome.verdicts.first)
    #expect(v.status == .failed)
    guard case .error(let kind, let message) = v.actual else {
      Issue.record("expected an error outcome, got \(v.actual)")
      return
    }
    #expect(kind == .harness(.backendCrashed))
    #expect(message.contains("status 7"))
    #expect(message.contains("segfault in kernel_l1 at row 3"))
    let table = ReportFormat.table(
      RunReport(backend: "t", verdicts: outcome.verdicts))
    #expect(table.contains("status 7"))
    #expect(table.contains("segfault in kernel_l1 at row 3"))
  }

  @Test func theWorstRatioColumnShowsADashAndLargeRatiosReadably() throws {
    #expect(ReportFormat.ratio(nil) == "—")
    #expect(ReportFormat.ratio(1.234e6) == "1.2e+06")
    #expect(ReportFormat.ratio(0.5) == "0.500")
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .error(kind: .loss(.shapeMismatch), message: ""))
    let v = Judge.verdict(
      c,
      CaseResult(
        id: "c", outcome: .error(kind: .loss(.shapeMismatch), message: "")),
      tolerance: tol)
    let table = ReportFormat.table(RunReport(backend: "t", verdicts: [v]))
    let row = try #require(
      table.split(separator: "\n").first { $0.hasPrefix("L1Loss") })
    #expect(row.hasSuffix("—"))
  }

  /// A NaN or infinity against a finite value has no meaningful ratio to
  /// the tolerance: the problem line shows a dash, not "inf" or "nan".
  @Test(arguments: [Double.nan, .infinity, -.infinity])
  func aNonFiniteRatioReadsAsADash(got: Double) throws {
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .value(output: try Self.tensor([2], [1, 2]), grads: [:]))
    let r = CaseResult(
      id: "c",
      outcome: .value(output: try Self.tensor([2], [1, got]), grads: [:]))
    let v = Judge.verdict(c, r, tolerance: tol)
    #expect(v.status == .failed)
    let line = try #require(v.problems.first)
    #expect(line.hasPrefix("output: 1/2 out of tolerance; worst [1]"))
    #expect(line.hasSuffix("(—x tol)"))
    #expect(!line.contains("infx") && !line.contains("nanx"))
  }
}
