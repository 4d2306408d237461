import Foundation

/// A conformance run: every case through a backend, judged.
public struct RunReport: Sendable {
  public var backend: String
  public var verdicts: [Verdict]
  public var loadProblems: [LoadProblem]
  public var uncovered: [String]
  public var loadSeconds: Double
  public var checkSeconds: Double

  public init(
    backend: String, verdicts: [Verdict], loadProblems: [LoadProblem] = [],
    uncovered: [String] = [], loadSeconds: Double = 0, checkSeconds: Double = 0
  ) {
    self.backend = backend
    self.verdicts = verdicts
    self.loadProblems = loadProblems
    self.uncovered = uncovered
    self.loadSeconds = loadSeconds
    self.checkSeconds = checkSeconds
  }

  public var failed: Int { verdicts.filter { !$0.passed }.count + loadProblems.count }
  public var passed: Int { verdicts.filter(\.passed).count }
  public var ok: Bool { failed == 0 }

  /// Per loss: cases, passed, failed, worst error as a fraction of tolerance.
  public struct LossRow: Sendable {
    public var loss: String
    public var cases: Int
    public var passed: Int
    public var failed: Int
    public var worstRatio: Double
  }

  public var rows: [LossRow] {
    var order: [String] = []
    var rows: [String: LossRow] = [:]
    for v in verdicts {
      if rows[v.loss] == nil {
        order.append(v.loss)
        rows[v.loss] = LossRow(loss: v.loss, cases: 0, passed: 0, failed: 0, worstRatio: 0)
      }
      guard var row = rows[v.loss] else { continue }
      row.cases += 1
      if v.passed { row.passed += 1 } else { row.failed += 1 }
      row.worstRatio = max(row.worstRatio, v.worstRatio)
      rows[v.loss] = row
    }
    return order.compactMap { rows[$0] }
  }
}

public enum Runner {
  /// Runs `cases` through `backend`, judging each with the spec's
  /// tolerance (or the case's own).
  public static func run(
    _ cases: [Case], spec: Spec, backend: any LossBackend
  ) -> [Verdict] {
    cases.map { c in
      Judge.verdict(c, backend.evaluate(c), tolerance: spec.tolerance(for: c))
    }
  }

  /// Cases whose id matches a `*`-wildcard pattern (a plain substring
  /// when the pattern has no `*`).
  public static func matches(_ id: String, pattern: String) -> Bool {
    guard pattern.contains("*") else { return id.contains(pattern) }
    let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
    var rest = Substring(id)
    for (k, part) in parts.enumerated() {
      if part.isEmpty { continue }
      if k == 0 {
        guard rest.hasPrefix(part) else { return false }
        rest = rest.dropFirst(part.count)
      } else if k == parts.count - 1 {
        return rest.hasSuffix(part)
      } else {
        guard let r = rest.range(of: part) else { return false }
        rest = rest[r.upperBound...]
      }
    }
    return true
  }
}

/// The report's text, JSON and JUnit forms.
public enum ReportFormat {
  public static func table(_ r: RunReport, verbose: Bool = false) -> String {
    var out = ""
    let header = pad("loss", 30) + lpad("cases", 7) + lpad("passed", 8)
      + lpad("failed", 8) + lpad("worst/tol", 11)
    out += header + "\n" + String(repeating: "-", count: header.count) + "\n"
    for row in r.rows {
      out += pad(row.loss, 30) + lpad("\(row.cases)", 7) + lpad("\(row.passed)", 8)
        + lpad("\(row.failed)", 8) + lpad(String(format: "%.3f", row.worstRatio), 11)
        + "\n"
    }
    let failures = r.verdicts.filter { !$0.passed }
    if !failures.isEmpty {
      out += "\nFailures:\n"
      for v in failures {
        out += "  FAIL \(v.id)\n"
        for p in v.problems { out += "       \(p)\n" }
      }
    }
    if !r.loadProblems.isEmpty {
      out += "\nGolden files that could not be read whole:\n"
      for p in r.loadProblems { out += "  FAIL \(p)\n" }
    }
    if !r.uncovered.isEmpty {
      out += "\nGrid points with no golden case (\(r.uncovered.count)):\n"
      for u in r.uncovered.prefix(verbose ? .max : 20) { out += "  \(u)\n" }
      if !verbose && r.uncovered.count > 20 { out += "  …\n" }
    }
    out +=
      "\n\(r.passed) passed, \(r.failed) failed (backend \(r.backend); "
      + String(format: "load %.2f s, check %.2f s", r.loadSeconds, r.checkSeconds)
      + ")\n"
    return out
  }

  public static func json(_ r: RunReport) -> String {
    var cases: [JSONValue] = []
    for v in r.verdicts {
      var o = JSONObject([
        ("id", .string(v.id)), ("loss", .string(v.loss)), ("dtype", .string(v.dtype)),
        ("passed", .bool(v.passed)),
        ("worst_ratio", TensorJSON.number(v.worstRatio)),
      ])
      if !v.problems.isEmpty { o["problems"] = .array(v.problems.map { .string($0) }) }
      if let w = v.worst {
        o["worst"] = .object(
          JSONObject([
            ("field", .string(w.field)),
            ("index", .array(w.index.map { .number("\($0)") })),
            ("expected", TensorJSON.number(w.expected)),
            ("actual", TensorJSON.number(w.actual)),
            ("abs_error", TensorJSON.number(w.absoluteError)),
            ("rel_error", TensorJSON.number(w.relativeError)),
            ("ulps", w.ulps.map { .number("\($0)") } ?? .null),
          ]))
      }
      cases.append(.object(o))
    }
    let top = JSONObject([
      ("backend", .string(r.backend)),
      ("passed", .number("\(r.passed)")), ("failed", .number("\(r.failed)")),
      ("load_problems", .array(r.loadProblems.map { .string($0.description) })),
      ("uncovered_grid_points", .array(r.uncovered.map { .string($0) })),
      ("cases", .array(cases)),
    ])
    return JSONWriter.write(.object(top)) + "\n"
  }

  public static func junit(_ r: RunReport) -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites tests=\"\(r.verdicts.count + r.loadProblems.count)\" failures=\"\(r.failed)\">\n"
    for row in r.rows {
      out += "  <testsuite name=\"\(xml(row.loss))\" tests=\"\(row.cases)\" failures=\"\(row.failed)\">\n"
      for v in r.verdicts where v.loss == row.loss {
        out += "    <testcase classname=\"\(xml(v.loss))\" name=\"\(xml(v.id))\""
        if v.passed {
          out += "/>\n"
        } else {
          out += ">\n      <failure message=\"\(xml(v.problems.first ?? ""))\">"
          out += xml(v.problems.joined(separator: "\n")) + "</failure>\n    </testcase>\n"
        }
      }
      out += "  </testsuite>\n"
    }
    if !r.loadProblems.isEmpty {
      out += "  <testsuite name=\"golden-files\" tests=\"\(r.loadProblems.count)\" failures=\"\(r.loadProblems.count)\">\n"
      for p in r.loadProblems {
        out += "    <testcase classname=\"golden\" name=\"\(xml(p.file))\">"
        out += "<failure message=\"\(xml(p.description))\"/></testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    out += "</testsuites>\n"
    return out
  }

  static func xml(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;")
      .replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
  }

  static func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
  }

  static func lpad(_ s: String, _ n: Int) -> String {
    s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s
  }
}
