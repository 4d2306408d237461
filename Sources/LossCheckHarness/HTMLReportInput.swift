/// Why a JSON report cannot be drawn as a scoreboard page: which report (1
/// for the first), which field (a path such as `losses[2].passed`), and
/// what is wrong with it.
public struct HTMLReportError: Error, Equatable, Sendable,
  CustomStringConvertible
{
  /// The report's position in the list given to `HTMLReport.render`, from 1;
  /// 0 when the list itself is wrong (empty).
  public var report: Int
  /// The path of the offending field, such as `cases[3].status`.
  public var field: String
  /// What is wrong, naming the bad value where there is one.
  public var reason: String

  /// Creates an error for `field` of report number `report` (from 1).
  public init(report: Int, field: String, reason: String) {
    self.report = report
    self.field = field
    self.reason = reason
  }

  /// "report N: field: reason", or "field: reason" for the list itself.
  public var description: String {
    report == 0
      ? "\(field): \(reason)" : "report \(report): \(field): \(reason)"
  }
}

extension HTMLReport {
  /// How a case was judged.
  enum Status: String {
    case passed, failed, skipped
  }

  /// Passed, failed and skipped counts.
  struct Counts: Equatable {
    var passed = 0
    var failed = 0
    var skipped = 0

    mutating func add(_ s: Status) {
      switch s {
      case .passed: passed += 1
      case .failed: failed += 1
      case .skipped: skipped += 1
      }
    }

    var total: Int { passed + failed + skipped }
  }

  /// One row of a report's `losses`.
  struct LossTotals {
    var loss: String
    var cases: Int
    var counts: Counts
    /// The JSON `worst_ratio`: a number, `null`, or a non-finite string.
    var worstRatio: JSONValue
  }

  /// One judged case: what the scoreboard groups and counts by, and the
  /// case's JSON for its diagnostics.
  struct CaseEntry {
    var id: String
    var loss: String
    var dtype: String
    var options: JSONObject
    var tags: [String]
    var status: Status
    var json: JSONValue
  }

  /// The parts of one JSON report (docs/REPORT_SCHEMA.md) that the page
  /// shows, checked for type.
  struct Input {
    var backend: String
    var version: String
    var digest: String
    var selection: JSONValue?
    var interrupted: Bool
    var seconds: JSONValue?
    var losses: [LossTotals]
    var problems: [(kind: String, message: String)]
    var cases: [CaseEntry]

    static let schema = "losscheck-report/1"

    /// Reads report number `number` (from 1); throws for a missing or
    /// mistyped field the page needs.
    init(_ json: JSONValue, number: Int) throws(HTMLReportError) {
      let r = Reader(report: number)
      let top = try r.object(json, "report")
      let schema = try r.string(top, "report_schema")
      guard schema == Input.schema else {
        throw r.error(
          "report_schema",
          "\(Reader.quoted(schema)) is not \(Reader.quoted(Input.schema))")
      }
      version = try r.string(top, "losscheck_version")
      backend = try r.string(top, "backend")
      digest = try r.string(top, "golden_digest")
      selection = top["selection"]
      interrupted = try r.optionalBool(top, "interrupted") ?? false
      seconds = top["seconds"]
      losses = []
      for (k, item) in try r.array(top, "losses").enumerated() {
        let path = "losses[\(k)]"
        let o = try r.object(item, path)
        let counts = Counts(
          passed: try r.count(o, "passed", in: path),
          failed: try r.count(o, "failed", in: path),
          skipped: try r.count(o, "skipped", in: path))
        losses.append(
          LossTotals(
            loss: try r.string(o, "loss", in: path),
            cases: try r.count(o, "cases", in: path),
            counts: counts, worstRatio: o["worst_ratio"] ?? .null))
      }
      problems = []
      if let list = top["problems"] {
        guard case .array(let items) = list else {
          throw r.error("problems", "expected an array, got \(list.typeName)")
        }
        for (k, item) in items.enumerated() {
          let o = try r.object(item, "problems[\(k)]")
          problems.append(
            (
              kind: try r.string(o, "kind", in: "problems[\(k)]"),
              message: try r.string(o, "message", in: "problems[\(k)]")
            ))
        }
      }
      cases = []
      for (k, item) in try r.array(top, "cases").enumerated() {
        cases.append(try r.caseEntry(item, path: "cases[\(k)]"))
      }
    }
  }

  /// Typed field access that names the field in its errors.
  struct Reader {
    var report: Int

    func error(_ field: String, _ reason: String) -> HTMLReportError {
      HTMLReportError(report: report, field: field, reason: reason)
    }

    static func quoted(_ s: String) -> String {
      var out = ""
      JSONWriter.writeString(s, into: &out)
      return out
    }

    static func join(_ path: String, _ key: String) -> String {
      path.isEmpty ? key : "\(path).\(key)"
    }

    func object(_ v: JSONValue, _ path: String) throws(HTMLReportError)
      -> JSONObject
    {
      guard case .object(let o) = v else {
        throw error(path, "expected an object, got \(v.typeName)")
      }
      return o
    }

    func field(_ o: JSONObject, _ key: String, in path: String)
      throws(HTMLReportError) -> JSONValue
    {
      guard let v = o[key] else {
        throw error(Reader.join(path, key), "missing")
      }
      return v
    }

    func string(_ o: JSONObject, _ key: String, in path: String = "")
      throws(HTMLReportError) -> String
    {
      let v = try field(o, key, in: path)
      guard case .string(let s) = v else {
        throw error(
          Reader.join(path, key), "expected a string, got \(v.typeName)")
      }
      return s
    }

    func array(_ o: JSONObject, _ key: String, in path: String = "")
      throws(HTMLReportError) -> [JSONValue]
    {
      let v = try field(o, key, in: path)
      guard case .array(let items) = v else {
        throw error(
          Reader.join(path, key), "expected an array, got \(v.typeName)")
      }
      return items
    }

    /// A non-negative integer such as a case count.
    func count(_ o: JSONObject, _ key: String, in path: String)
      throws(HTMLReportError) -> Int
    {
      let v = try field(o, key, in: path)
      guard case .number(let text) = v, let n = Int(text), n >= 0 else {
        let shown = JSONWriter.write(v)
        throw error(
          Reader.join(path, key),
          "expected a count (an integer >= 0), got \(shown)")
      }
      return n
    }

    func optionalBool(_ o: JSONObject, _ key: String)
      throws(HTMLReportError) -> Bool?
    {
      guard let v = o[key] else { return nil }
      guard case .bool(let b) = v else {
        throw error(key, "expected a boolean, got \(v.typeName)")
      }
      return b
    }

    func caseEntry(_ v: JSONValue, path: String) throws(HTMLReportError)
      -> CaseEntry
    {
      let o = try object(v, path)
      let statusText = try string(o, "status", in: path)
      guard let status = Status(rawValue: statusText) else {
        throw error(
          Reader.join(path, "status"),
          "\(Reader.quoted(statusText)) is not passed, failed or skipped")
      }
      var options = JSONObject()
      if let ov = o["options"] {
        options = try object(ov, Reader.join(path, "options"))
      }
      var tags: [String] = []
      if o["tags"] != nil {
        for (k, t) in try array(o, "tags", in: path).enumerated() {
          guard case .string(let s) = t else {
            throw error(
              "\(Reader.join(path, "tags"))[\(k)]",
              "expected a string, got \(t.typeName)")
          }
          tags.append(s)
        }
      }
      return CaseEntry(
        id: try string(o, "id", in: path),
        loss: try string(o, "loss", in: path),
        dtype: try string(o, "dtype", in: path),
        options: options, tags: tags, status: status, json: v)
    }
  }
}
