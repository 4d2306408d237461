/// The JSON report of docs/REPORT_SCHEMA.md, written from a ``RunReport``
/// and read back into one (for `losscheck merge`).
public enum ReportJSON {
  /// The schema identifier written into every report.
  public static let schema = "losscheck-report/1"

  /// The report as JSON text: one object, each case on its own line.
  public static func encode(_ r: RunReport) -> String {
    let cases = r.verdicts.map { JSONWriter.write(.object(caseObject($0))) }
    var out = JSONWriter.write(.object(topObject(r)))
    // Splice the cases in one per line so the file reads and diffs well.
    out.removeLast()
    out += ",\"cases\":[\n" + cases.joined(separator: ",\n") + "\n]}\n"
    return out
  }

  static func topObject(_ r: RunReport) -> JSONObject {
    let failedCases = r.verdicts.count(where: { $0.status == .failed })
    let losses: [JSONValue] = r.rows.map { row in
      .object(
        JSONObject([
          ("loss", .string(row.loss)), ("cases", int(row.cases)),
          ("passed", int(row.passed)), ("failed", int(row.failed)),
          ("skipped", int(row.skipped)),
          ("worst_ratio", row.worstRatio.map(TensorJSON.number) ?? .null),
        ]))
    }
    return JSONObject([
      ("report_schema", .string(schema)),
      ("losscheck_version", .string(r.losscheckVersion)),
      ("backend", .string(r.backend)),
      ("golden_digest", .string(r.goldenDigest)),
      ("selection", .object(r.selection)),
      ("interrupted", .bool(r.interrupted)),
      ("selected", int(r.selectedCount)),
      ("seconds", TensorJSON.number(r.checkSeconds)),
      ("load_seconds", TensorJSON.number(r.loadSeconds)),
      (
        "totals",
        .object(
          JSONObject([
            ("cases", int(r.verdicts.count)), ("passed", int(r.passed)),
            ("failed", int(failedCases)), ("skipped", int(r.skipped)),
            ("problems", int(r.problems.count)),
          ]))
      ),
      ("losses", .array(losses)),
      (
        "problems",
        .array(
          r.problems.map {
            .object(
              JSONObject([
                ("kind", .string($0.kind)), ("message", .string($0.message)),
              ]))
          })
      ),
      (
        "uncovered_grid_points",
        .array(r.uncovered.map { .string($0.description) })
      ),
    ])
  }

  static func caseObject(_ v: Verdict) -> JSONObject {
    var o = JSONObject([
      ("id", .string(v.id)), ("loss", .string(v.loss)),
      ("dtype", .string(v.dtype)), ("options", .object(v.options)),
      ("tags", .array(v.tags.map { .string($0) })),
      ("status", .string(v.status.rawValue)),
      ("expected", outcome(v.expected)), ("actual", outcome(v.actual)),
      ("worst_ratio", v.comparedRatio.map(TensorJSON.number) ?? .null),
    ])
    if case .value = v.expected, case .value = v.actual {
      o["fields"] = .array(v.fields.map { .object(fieldObject($0)) })
    }
    o["problems"] = .array(v.problems.map { .string($0) })
    o["seconds"] = TensorJSON.number(v.seconds)
    return o
  }

  static func outcome(_ s: OutcomeSummary) -> JSONValue {
    var o = JSONObject([("kind", .string(s.kind))])
    switch s {
    case .value(let summary):
      if let summary { o["summary"] = .string(summary) }
    case .error(let kind, let message):
      o["error_kind"] = .string(kind.rawValue)
      o["message"] = .string(message)
    case .unsupported(let reason): o["reason"] = .string(reason)
    case .none: break
    }
    return .object(o)
  }

  static func fieldObject(_ f: FieldDiagnostic) -> JSONObject {
    JSONObject([
      ("field", .string(f.field)), ("shape", .array(f.shape.map(int))),
      ("compared", int(f.compared)),
      ("out_of_tolerance", int(f.outOfTolerance)),
      ("worst_ratio", TensorJSON.number(f.worstRatio)),
      ("worst", f.worst.map { .object(element($0)) } ?? .null),
      ("others", .array(f.others.map { .object(element($0)) })),
    ])
  }

  static func element(_ d: Discrepancy) -> JSONObject {
    JSONObject([
      ("index", .array(d.index.map(int))),
      ("expected", TensorJSON.number(d.expected)),
      ("actual", TensorJSON.number(d.actual)),
      ("abs_error", TensorJSON.number(d.absoluteError)),
      ("rel_error", TensorJSON.number(d.relativeError)),
      ("ulps", d.ulps.map { .number("\($0)") } ?? .null),
      ("ratio", TensorJSON.number(d.ratio)),
    ])
  }

  static func int(_ n: Int) -> JSONValue { .number("\(n)") }
}

extension ReportFormat {
  /// The JSON report (``ReportJSON/encode(_:)``).
  public static func json(_ r: RunReport) -> String { ReportJSON.encode(r) }
}
