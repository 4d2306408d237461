import Foundation
import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Synchronization
import Testing

/// `--jobs N` gives the report of `--jobs 1` (times aside), shards merge
/// back into the full run, and a stop request ends the run early.
@Suite struct ParallelShardTests {
  func selection() throws -> (Spec, [Case]) {
    let spec = try #require(Fixtures.spec)
    var s = CaseSelection()
    s.losses = ["L1Loss", "HuberLoss", "SoftMarginLoss"]
    let all = Fixtures.corpus?.cases ?? []
    return (spec, try s.apply(all))
  }

  /// The JSON report with every time zeroed.
  static func timeless(_ r: RunReport) -> String {
    var r = r
    r.loadSeconds = 0
    r.checkSeconds = 0
    for k in r.verdicts.indices { r.verdicts[k].seconds = 0 }
    return ReportJSON.encode(r)
  }

  func report(_ cases: [Case], _ spec: Spec, jobs: Int, shard: String? = nil)
    throws -> RunReport
  {
    var s = CaseSelection()
    if let shard { s.shard = try Shard(shard) }
    let mine = try s.apply(cases)
    let backends = (0..<jobs).map { _ in
      PerturbingBackend(reference: ReferenceBackend(spec: spec))
        as any LossBackend
    }
    let outcome = Runner.run(mine, spec: spec, backends: backends)
    return RunReport(
      backend: "perturbing", verdicts: outcome.verdicts,
      goldenDigest: "sha256:0",
      selection: s.json, interrupted: outcome.interrupted,
      selectedCount: mine.count, checkSeconds: 1)
  }

  @Test func twoJobsGiveTheSameReportAsOne() throws {
    let (spec, cases) = try selection()
    let one = try report(cases, spec, jobs: 1)
    let two = try report(cases, spec, jobs: 2)
    let four = try report(cases, spec, jobs: 4)
    #expect(one.verdicts.count == cases.count)
    #expect(one.failed > 0 && one.skipped > 0)
    #expect(Self.timeless(two) == Self.timeless(one))
    #expect(Self.timeless(four) == Self.timeless(one))
  }

  @Test func threeShardsMergedEqualTheFullRun() throws {
    let (spec, cases) = try selection()
    let full = try report(cases, spec, jobs: 1)
    var parts: [RunReport] = []
    // Out of order, and through their JSON, as `losscheck merge` reads them.
    for k in ["2/3", "3/3", "1/3"] {
      let r = try report(cases, spec, jobs: 1, shard: k)
      parts.append(
        try ReportJSON.decode(Array(ReportJSON.encode(r).utf8), source: k))
    }
    let merged = try ReportMerge.merge(parts, sources: ["2/3", "3/3", "1/3"])
    #expect(merged.verdicts.map(\.id) == full.verdicts.map(\.id))
    var fullTimeless = full
    fullTimeless.checkSeconds = 3  // three parts of one second each
    #expect(Self.timeless(merged) == Self.timeless(fullTimeless))
  }

  @Test func reportsOfOtherGoldensOrBackendsOrOverlappingAreNotMerged() throws {
    let (spec, cases) = try selection()
    let a = try report(cases, spec, jobs: 1, shard: "1/2")
    var b = try report(cases, spec, jobs: 1, shard: "2/2")
    b.goldenDigest = "sha256:1"
    #expect(throws: ReportMergeError.self) {
      _ = try ReportMerge.merge([a, b], sources: ["a", "b"])
    }
    b.goldenDigest = a.goldenDigest
    b.backend = "other"
    #expect(throws: ReportMergeError.self) {
      _ = try ReportMerge.merge([a, b], sources: ["a", "b"])
    }
    #expect(throws: ReportMergeError.self) {
      _ = try ReportMerge.merge([a, a], sources: ["a", "a again"])
    }
  }

  @Test func aStopRequestEndsTheRunBetweenCasesMarkedInterrupted() throws {
    let (spec, cases) = try selection()
    let judged = Atomic<Int>(0)
    let outcome = Runner.run(
      cases, spec: spec, backends: [ReferenceBackend(spec: spec)],
      shouldStop: { judged.load(ordering: .relaxed) >= 5 },
      progress: { _ in judged.add(1, ordering: .relaxed) })
    #expect(outcome.interrupted)
    #expect(outcome.verdicts.count == 5)
    #expect(outcome.verdicts.map(\.id) == cases.prefix(5).map(\.id))
  }
}
