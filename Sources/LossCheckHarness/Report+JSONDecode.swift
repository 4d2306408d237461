/// Why a JSON report could not be read back: the file and the field.
public struct ReportDecodeError: Error, Sendable, CustomStringConvertible {
  /// The report's name (its path) as given.
  public var source: String
  /// Where in the report, e.g. "cases[3].status".
  public var field: String
  public var message: String

  /// Makes a decode error naming the report and the field.
  public init(source: String, field: String, message: String) {
    self.source = source
    self.field = field
    self.message = message
  }

  public var description: String { "\(source): \(field): \(message)" }
}

extension ReportJSON {
  /// Reads a JSON report (docs/REPORT_SCHEMA.md) back into the model;
  /// `source` names it in errors. Unknown fields are ignored; a missing or
  /// mistyped known field, or another `report_schema`, is an error.
  public static func decode(_ bytes: [UInt8], source: String)
    throws(ReportDecodeError) -> RunReport
  {
    let top: JSONValue
    do {
      top = try JSONParser.parse(bytes)
    } catch {
      throw ReportDecodeError(
        source: source, field: "report", message: error.description)
    }
    let d = Reader(source: source)
    let schemaName = try d.string(top, "report_schema")
    guard schemaName == schema else {
      throw ReportDecodeError(
        source: source, field: "report_schema",
        message: "'\(schemaName)' is not \(schema)")
    }
    var verdicts: [Verdict] = []
    for (k, c) in try d.array(top, "cases").enumerated() {
      verdicts.append(try d.verdict(c, "cases[\(k)]"))
    }
    var problems: [RunProblem] = []
    for p in try d.array(top, "problems") {
      problems.append(
        RunProblem(
          kind: try d.string(p, "kind"), message: try d.string(p, "message")))
    }
    var uncovered: [GridPoint] = []
    if top["uncovered_grid_points"] != nil {
      for u in try d.array(top, "uncovered_grid_points") {
        guard case .string(let s) = u else {
          throw d.error("uncovered_grid_points", "expected strings")
        }
        guard let point = GridPoint(s) else {
          throw d.error(
            "uncovered_grid_points",
            "'\(s)' is not a grid point (Loss/dtype: option=value ...)")
        }
        uncovered.append(point)
      }
    }
    guard case .object(let selection)? = top["selection"] else {
      throw d.error("selection", "missing or not an object")
    }
    return RunReport(
      backend: try d.string(top, "backend"), verdicts: verdicts,
      problems: problems, uncovered: uncovered,
      goldenDigest: try d.string(top, "golden_digest"),
      selection: selection, interrupted: try d.bool(top, "interrupted"),
      selectedCount: top["selected"] == nil
        ? verdicts.count : try d.int(top, "selected"),
      loadSeconds: top["load_seconds"] == nil
        ? 0 : try d.double(top, "load_seconds"),
      checkSeconds: try d.double(top, "seconds"),
      losscheckVersion: try d.string(top, "losscheck_version"))
  }

  /// Typed field access that names the field at fault.
  struct Reader {
    var source: String

    func error(_ field: String, _ message: String) -> ReportDecodeError {
      ReportDecodeError(source: source, field: field, message: message)
    }

    func value(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> JSONValue
    {
      guard let x = v[key] else { throw error(key, "missing") }
      return x
    }

    func string(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> String
    {
      guard case .string(let s) = try value(v, key) else {
        throw error(key, "expected a string")
      }
      return s
    }

    func bool(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> Bool
    {
      guard case .bool(let b) = try value(v, key) else {
        throw error(key, "expected a boolean")
      }
      return b
    }

    func int(_ v: JSONValue, _ key: String) throws(ReportDecodeError) -> Int {
      try integer(value(v, key), key)
    }

    func integer(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> Int
    {
      guard case .number(let t) = v, let n = Int(t) else {
        throw error(key, "expected an integer")
      }
      return n
    }

    func double(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> Double
    {
      try number(value(v, key), key)
    }

    /// A number, or "nan", "inf", "-inf".
    func number(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> Double
    {
      switch v {
      case .number(let t):
        if let x = Double(t) { return x }
      case .string("nan"): return .nan
      case .string("inf"): return .infinity
      case .string("-inf"): return -.infinity
      default: break
      }
      throw error(key, "expected a number")
    }

    func array(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> [JSONValue]
    {
      guard case .array(let a) = try value(v, key) else {
        throw error(key, "expected an array")
      }
      return a
    }

    func ints(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> [Int]
    {
      var out: [Int] = []
      for x in try array(v, key) { out.append(try integer(x, key)) }
      return out
    }

    func strings(_ v: JSONValue, _ key: String) throws(ReportDecodeError)
      -> [String]
    {
      var out: [String] = []
      for x in try array(v, key) {
        guard case .string(let s) = x else {
          throw error(key, "expected strings")
        }
        out.append(s)
      }
      return out
    }

    func verdict(_ c: JSONValue, _ at: String) throws(ReportDecodeError)
      -> Verdict
    {
      let d = Reader(source: "\(source): \(at)")
      let statusText = try d.string(c, "status")
      guard let status = Verdict.Status(rawValue: statusText) else {
        throw d.error("status", "unknown status '\(statusText)'")
      }
      guard case .object(let options)? = c["options"] else {
        throw d.error("options", "missing or not an object")
      }
      var fields: [FieldDiagnostic] = []
      if c["fields"] != nil {
        for f in try d.array(c, "fields") { fields.append(try d.field(f)) }
      }
      return Verdict(
        id: try d.string(c, "id"), loss: try d.string(c, "loss"),
        dtype: try d.string(c, "dtype"), options: options,
        tags: try d.strings(c, "tags"), status: status,
        problems: try d.strings(c, "problems"),
        expected: try d.outcome(d.value(c, "expected"), "expected"),
        actual: try d.outcome(d.value(c, "actual"), "actual"),
        fields: fields, seconds: try d.double(c, "seconds"))
    }

    func outcome(_ o: JSONValue, _ at: String) throws(ReportDecodeError)
      -> OutcomeSummary
    {
      switch try string(o, "kind") {
      case "value":
        if case .string(let s)? = o["summary"] { return .value(summary: s) }
        return .value(summary: nil)
      case "error":
        return .error(
          kind: ErrorKind(rawValue: try string(o, "error_kind")),
          message: try string(o, "message"))
      case "unsupported": return .unsupported(reason: try string(o, "reason"))
      case "none": return .none
      case let k: throw error("\(at).kind", "unknown outcome kind '\(k)'")
      }
    }

    func field(_ f: JSONValue) throws(ReportDecodeError) -> FieldDiagnostic {
      let name = try string(f, "field")
      var worst: Discrepancy? = nil
      if let w = f["worst"], w != .null {
        worst = try element(w, name)
      }
      var others: [Discrepancy] = []
      for o in try array(f, "others") { others.append(try element(o, name)) }
      return FieldDiagnostic(
        field: name, shape: try ints(f, "shape"),
        compared: try int(f, "compared"),
        outOfTolerance: try int(f, "out_of_tolerance"), worst: worst,
        others: others)
    }

    func element(_ e: JSONValue, _ field: String) throws(ReportDecodeError)
      -> Discrepancy
    {
      var ulps: UInt64? = nil
      switch try value(e, "ulps") {
      case .null: break
      case .number(let t):
        guard let u = UInt64(t) else { throw error("ulps", "not a count") }
        ulps = u
      default: throw error("ulps", "expected a count or null")
      }
      return Discrepancy(
        field: field, index: try ints(e, "index"),
        expected: try double(e, "expected"), actual: try double(e, "actual"),
        absoluteError: try double(e, "abs_error"),
        relativeError: try double(e, "rel_error"), ulps: ulps,
        ratio: try double(e, "ratio"))
    }
  }
}
