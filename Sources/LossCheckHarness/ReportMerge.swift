/// Why reports cannot be merged.
public struct ReportMergeError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// Joins the reports of shards (or of any disjoint runs) into one.
public enum ReportMerge {
  /// Merges `reports` (named by `sources` in errors, same order).
  ///
  /// They must share the golden digest and the backend, and no case may
  /// appear twice. When they are shards `1/N … N/N` of one selection the
  /// cases are put back in the full run's order (shard K holds positions
  /// K − 1, K − 1 + N, …); otherwise they are concatenated. The merged
  /// report is interrupted if any part is; problems are joined without
  /// duplicates; times are summed; its selection is the first part's
  /// with `shard` removed.
  public static func merge(_ reports: [RunReport], sources: [String])
    throws(ReportMergeError) -> RunReport
  {
    guard let first = reports.first else {
      throw ReportMergeError(message: "no reports to merge")
    }
    func name(_ k: Int) -> String {
      k < sources.count ? sources[k] : "#\(k + 1)"
    }
    for (k, r) in reports.enumerated().dropFirst() {
      guard r.goldenDigest == first.goldenDigest else {
        throw ReportMergeError(
          message: "\(name(k)) was run on other goldens (\(r.goldenDigest))"
            + " than \(name(0)) (\(first.goldenDigest))")
      }
      guard r.backend == first.backend else {
        throw ReportMergeError(
          message: "\(name(k)) checked backend '\(r.backend)', \(name(0))"
            + " '\(first.backend)'")
      }
    }
    var seen: [String: Int] = [:]
    for (k, r) in reports.enumerated() {
      for v in r.verdicts {
        if let other = seen[v.id] {
          throw ReportMergeError(
            message: "case \(v.id) is in both \(name(other)) and \(name(k))")
        }
        seen[v.id] = k
      }
    }
    var merged = first
    merged.verdicts = ordered(reports)
    merged.selection["shard"] = .null
    merged.interrupted = reports.contains { $0.interrupted }
    merged.selectedCount = reports.reduce(0) { $0 + $1.selectedCount }
    merged.loadSeconds = reports.reduce(0) { $0 + $1.loadSeconds }
    merged.checkSeconds = reports.reduce(0) { $0 + $1.checkSeconds }
    var problems: [RunProblem] = []
    var uncovered: [GridPoint] = []
    for r in reports {
      for p in r.problems where !problems.contains(p) { problems.append(p) }
      for u in r.uncovered where !uncovered.contains(u) { uncovered.append(u) }
    }
    merged.problems = problems
    merged.uncovered = uncovered
    return merged
  }

  /// The shard of a report's selection, when it has one.
  static func shard(_ r: RunReport) -> Shard? {
    guard case .string(let s)? = r.selection["shard"] else { return nil }
    return try? Shard(s)
  }

  /// Verdicts in the full run's order when the reports are the complete
  /// set of shards 1/N … N/N; else concatenated in the order given.
  static func ordered(_ reports: [RunReport]) -> [Verdict] {
    let shards = reports.compactMap(shard)
    guard shards.count == reports.count, let n = shards.first?.count,
      shards.allSatisfy({ $0.count == n }),
      Set(shards.map(\.index)) == Set(1...n)
    else {
      return reports.flatMap(\.verdicts)
    }
    var byShard = Array(repeating: [Verdict](), count: n)
    for (r, s) in zip(reports, shards) { byShard[s.index - 1] = r.verdicts }
    var out: [Verdict] = []
    var position = 0
    let total = byShard.reduce(0) { $0 + $1.count }
    var taken = Array(repeating: 0, count: n)
    // Position p of the full run is in shard p mod N, at p / N; an
    // interrupted shard simply runs out early.
    while out.count < total {
      let k = position % n
      if taken[k] < byShard[k].count {
        out.append(byShard[k][taken[k]])
        taken[k] += 1
      }
      position += 1
    }
    return out
  }
}
