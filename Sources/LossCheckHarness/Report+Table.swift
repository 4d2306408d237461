import Foundation

/// The report's forms: a text table (here), JSON and JUnit XML.
public enum ReportFormat {
  /// The text report: one row per loss (cases, passed, failed, skipped,
  /// worst error / tolerance, "—" when nothing numeric was compared), then
  /// each failing case with its diagnostics, run-level problems, uncovered
  /// grid points (the first 20 unless `verbose`) and the totals. An
  /// interrupted run says so, with how many cases were judged.
  public static func table(_ r: RunReport, verbose: Bool = false) -> String {
    var out = ""
    let header =
      pad("loss", 30) + lpad("cases", 7) + lpad("passed", 8)
      + lpad("failed", 8) + lpad("skipped", 9) + lpad("worst/tol", 11)
    out += header + "\n" + String(repeating: "-", count: header.count) + "\n"
    for row in r.rows {
      out +=
        pad(row.loss, 30) + lpad("\(row.cases)", 7) + lpad("\(row.passed)", 8)
        + lpad("\(row.failed)", 8) + lpad("\(row.skipped)", 9)
        + lpad(ratio(row.worstRatio), 11) + "\n"
    }
    let failures = r.verdicts.filter { $0.status == .failed }
    if !failures.isEmpty {
      out += "\nFailures:\n"
      for v in failures { out += failureText(v) }
    }
    let skips = r.verdicts.filter { $0.status == .skipped }
    if verbose && !skips.isEmpty {
      out += "\nSkipped (unsupported by the backend):\n"
      for v in skips {
        if case .unsupported(let reason) = v.actual {
          out += "  SKIP \(v.id): \(oneLine(reason))\n"
        }
      }
    }
    if !r.problems.isEmpty {
      out += "\nProblems of the run:\n"
      for p in r.problems { out += "  FAIL \(oneLine(p.message))\n" }
    }
    if !r.uncovered.isEmpty {
      out += "\nGrid points with no golden case (\(r.uncovered.count)):\n"
      for u in r.uncovered.prefix(verbose ? .max : 20) { out += "  \(u)\n" }
      if !verbose && r.uncovered.count > 20 { out += "  …\n" }
    }
    if r.interrupted {
      out +=
        "\nINTERRUPTED after \(r.verdicts.count) of \(r.selectedCount)"
        + " cases\n"
    }
    out +=
      "\n\(r.passed) passed, \(r.failed) failed, \(r.skipped) skipped"
      + " (backend \(r.backend); "
      + String(
        format: "load %.2f s, check %.2f s", r.loadSeconds, r.checkSeconds)
      + ")\n"
    return out
  }

  /// A failing case: its problems, then for each field out of tolerance
  /// the other listed elements, then both outcomes when they differ in
  /// kind (messages whole: a crashed backend's holds its stderr tail).
  static func failureText(_ v: Verdict) -> String {
    var out = "  FAIL \(v.id)\n"
    for p in v.problems {
      out += indent(p)
      // A field's other out-of-tolerance elements follow its own line.
      guard
        let f = v.fields.first(where: {
          $0.outOfTolerance > 0
            && p.hasPrefix("\($0.field): \($0.outOfTolerance)/")
        })
      else { continue }
      for o in f.others { out += "         also \(o.element)\n" }
      let listed = 1 + f.others.count
      if f.outOfTolerance > listed {
        out += "         … \(f.outOfTolerance - listed) more\n"
      }
    }
    return out
  }

  static func indent(_ text: String) -> String {
    var out = ""
    for (k, line) in text.split(
      separator: "\n", omittingEmptySubsequences: false
    ).enumerated() {
      out += (k == 0 ? "       " : "         ") + line + "\n"
    }
    return out
  }

  static func oneLine(_ s: String) -> String {
    s.replacingOccurrences(of: "\n", with: " ")
  }

  /// A ratio for the table: "—" for none, 3 decimals up to 1000, else
  /// scientific ("1.2e+06"), "inf" for infinity.
  public static func ratio(_ x: Double?) -> String {
    guard let x else { return "—" }
    if x.isInfinite { return "inf" }
    if x.isNaN { return "nan" }
    if x >= 1000 { return String(format: "%.1e", x) }
    return String(format: "%.3f", x)
  }

  static func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
  }

  static func lpad(_ s: String, _ n: Int) -> String {
    s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s
  }
}
