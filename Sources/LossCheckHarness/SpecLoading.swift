import Foundation

/// Why the spec could not be read: the file (or folder) at fault and what
/// is wrong with it, on one line.
public struct SpecError: Error, CustomStringConvertible {
  /// The file or folder at fault.
  public var file: String
  /// What is wrong, without the path.
  public var message: String
  /// "file: message".
  public var description: String { "\(file): \(message)" }
}

extension Spec {
  /// Loads the spec from a golden directory: spec.json and every
  /// spec/<Loss>.json.
  ///
  /// Throws one `SpecError` naming the file when the directory, spec.json
  /// or the spec folder is missing, the folder holds no loss spec, or a
  /// file is not JSON or not a spec: a required field missing or of the
  /// wrong type, an unknown dtype or option type, a loss name that is not
  /// its file's name, a default or grid value outside its option's type
  /// or values, a name given twice. Unknown fields are allowed.
  public static func load(goldenDirectory dir: String) throws(SpecError)
    -> Spec
  {
    try requireFolder(
      dir, "no such golden directory (--golden names one)")
    let top = try readJSON("\(dir)/spec.json")
    let (dtypes, tolerances) = try parseTop(top, file: "\(dir)/spec.json")
    let specDir = "\(dir)/spec"
    try requireFolder(
      specDir, "no such folder (it holds one <Loss>.json per loss)")
    let files: [String]
    do {
      files = try FileManager.default.contentsOfDirectory(atPath: specDir)
        .filter { $0.hasSuffix(".json") }.sorted()
    } catch {
      throw SpecError(file: specDir, message: "cannot be listed")
    }
    guard !files.isEmpty else {
      throw SpecError(file: specDir, message: "holds no <Loss>.json file")
    }
    var losses: [String: Loss] = [:]
    for f in files {
      let path = "\(specDir)/\(f)"
      let loss = try parseLoss(try readJSON(path), file: path)
      guard loss.name == String(f.dropLast(".json".count)) else {
        throw SpecError(
          file: path,
          message: "\"loss\" is \"\(loss.name)\", not the file's name")
      }
      losses[loss.name] = loss
    }
    let order = try lossOrder(top, file: "\(dir)/spec.json")
    return Spec(
      dtypes: dtypes, tolerances: tolerances, losses: losses,
      lossOrder: order)
  }

  /// spec.json's `losses`: the one ordered list of the losses (every other
  /// list in the project reads it or is tested against it). Absent means
  /// no order (losses then sort by name).
  static func lossOrder(_ top: JSONValue, file: String) throws(SpecError)
    -> [String]
  {
    guard let v = top["losses"] else { return [] }
    guard case .array(let items) = v else {
      throw SpecError(file: file, message: "\"losses\" is not a list")
    }
    var order: [String] = []
    for item in items {
      guard case .string(let name) = item, !order.contains(name) else {
        throw SpecError(
          file: file,
          message: "\"losses\" must list each loss name once, as strings")
      }
      order.append(name)
    }
    return order
  }

  static func requireFolder(_ path: String, _ message: String)
    throws(SpecError)
  {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    else { throw SpecError(file: path, message: message) }
    guard isDir.boolValue else {
      throw SpecError(file: path, message: "is a file, not a folder")
    }
  }

  static func readJSON(_ path: String) throws(SpecError) -> JSONValue {
    guard FileManager.default.fileExists(atPath: path) else {
      throw SpecError(file: path, message: "no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SpecError(file: path, message: "cannot read the file")
    }
    do {
      return try JSONParser.parse(data)
    } catch {
      throw SpecError(file: path, message: error.description)
    }
  }

  /// spec.json: the dtypes, each with a tolerance.
  static func parseTop(_ v: JSONValue, file: String) throws(SpecError)
    -> ([DType], [DType: Tolerance])
  {
    let r = SpecFields(file: file)
    let top = try r.object(v, "spec.json")
    var dtypes: [DType] = []
    for item in try r.array(top["dtypes"], "dtypes") {
      let name = try r.string(item, "an entry of dtypes")
      guard let d = DType(rawValue: name), d.isFloating else {
        throw r.error("dtypes names \"\(name)\", not a floating dtype")
      }
      guard !dtypes.contains(d) else {
        throw r.error("dtypes names \"\(name)\" twice")
      }
      dtypes.append(d)
    }
    guard !dtypes.isEmpty else { throw r.error("dtypes is empty") }
    var tolerances: [DType: Tolerance] = [:]
    for (name, t) in try r.object(top["tolerances"], "tolerances").pairs {
      guard let d = DType(rawValue: name) else {
        throw r.error("bad tolerance \(name): not a dtype")
      }
      let fields = try r.object(t, "tolerances.\(name)")
      let rtol = try r.number(fields["rtol"], "tolerances.\(name).rtol")
      let atol = try r.number(fields["atol"], "tolerances.\(name).atol")
      guard rtol >= 0, atol >= 0, rtol.isFinite, atol.isFinite else {
        throw r.error("bad tolerance \(name): rtol and atol must be >= 0")
      }
      tolerances[d] = Tolerance(rtol: rtol, atol: atol)
    }
    for d in dtypes where tolerances[d] == nil {
      throw r.error("no tolerance for \(d.rawValue)")
    }
    return (dtypes, tolerances)
  }

  static func parseLoss(_ v: JSONValue, file: String) throws(SpecError)
    -> Loss
  {
    let r = SpecFields(file: file)
    let top = try r.object(v, "the spec")
    let name = try r.string(top["loss"], "loss")
    var inputs: [Input] = []
    for i in try r.array(top["inputs"], "inputs") {
      let o = try r.object(i, "an entry of inputs")
      let n = try r.string(o["name"], "an input's name")
      let dtype = try r.word(
        o["dtype"], "inputs.\(n).dtype", default: InputDType.float)
      guard !inputs.contains(where: { $0.name == n }) else {
        throw r.error("input \(n) is declared twice")
      }
      inputs.append(
        Input(
          name: n, dtype: dtype,
          differentiable: try r.bool(
            o["differentiable"], "inputs.\(n).differentiable") ?? false,
          numberAllowed: try r.bool(
            o["number_allowed"], "inputs.\(n).number_allowed") ?? false))
    }
    guard !inputs.isEmpty else { throw r.error("inputs is empty") }
    var options: [Option] = []
    for item in try r.array(top["options"], "options") {
      let option = try parseOption(item, r)
      guard !options.contains(where: { $0.name == option.name }),
        !inputs.contains(where: { $0.name == option.name })
      else { throw r.error("\(option.name) is declared twice") }
      options.append(option)
    }
    var grid: [(String, [JSONValue])] = []
    if let g = top["grid"] {
      for (k, vals) in try r.object(g, "grid").pairs {
        guard case .array(let list) = vals else {
          throw r.error("grid.\(k) is not a list")
        }
        guard let option = options.first(where: { $0.name == k }) else {
          throw r.error("grid names unknown option \(k)")
        }
        for value in list {
          let ok =
            option.type == .tensor
            ? value.isBool : option.accepts(value)
          guard ok else {
            throw r.error(
              "grid.\(k) holds \(JSONWriter.write(value)), not a value of "
                + "the option")
          }
        }
        grid.append((k, list))
      }
    }
    return Loss(
      name: name,
      family: try r.optionalString(top["family"], "family") ?? "",
      summary: try r.optionalString(top["summary"], "summary") ?? "",
      inputs: inputs, options: options, grid: grid,
      elementwiseMeanAlias: try r.bool(
        top["elementwise_mean_alias"], "elementwise_mean_alias") ?? true)
  }

  static func parseOption(_ v: JSONValue, _ r: SpecFields) throws(SpecError)
    -> Option
  {
    let o = try r.object(v, "an entry of options")
    let n = try r.string(o["name"], "an option's name")
    let t = try r.word(o["type"], "options.\(n).type", as: OptionType.self)
    var values: [String] = []
    if let vs = o["values"] {
      for item in try r.array(vs, "options.\(n).values") {
        values.append(try r.string(item, "an entry of options.\(n).values"))
      }
    }
    if t == .enumeration && values.isEmpty {
      throw r.error("options.\(n) is an enum without values")
    }
    let option = Option(
      name: n, type: t, values: values,
      defaultValue: o["default"] ?? .null,
      nullable: try r.bool(o["nullable"], "options.\(n).nullable")
        ?? (t == .tensor),
      deprecated: try r.bool(o["deprecated"], "options.\(n).deprecated")
        ?? false,
      domain: try r.optionalString(o["domain"], "options.\(n).domain"))
    guard option.accepts(option.defaultValue) else {
      throw r.error(
        "options.\(n).default \(JSONWriter.write(option.defaultValue)) is "
          + "not a value of the option")
    }
    return option
  }
}

extension Spec.Option {
  /// Whether `value` is of the option's type (and among its values for an
  /// enum); null only when the option is nullable. A tensor option's only
  /// plain value is null.
  func accepts(_ value: JSONValue) -> Bool {
    switch value {
    case .null: return nullable
    case .string(let s):
      return type == .string || (type == .enumeration && values.contains(s))
    case .bool: return type == .bool
    case .number(let text):
      guard let d = Double(text), d.isFinite else { return false }
      if type == .float { return true }
      return type == .int && d == d.rounded() && abs(d) < 0x1p53
    case .array, .numbers, .object: return false
    }
  }
}

extension JSONValue {
  var isBool: Bool {
    if case .bool = self { return true }
    return false
  }
}

/// Typed reads of a spec file's fields: each wrong or missing field is a
/// `SpecError` naming the file and the field.
struct SpecFields {
  var file: String

  func error(_ message: String) -> SpecError {
    SpecError(file: file, message: message)
  }

  func object(_ v: JSONValue?, _ what: String) throws(SpecError) -> JSONObject {
    guard let v else { throw error("\(what) is missing") }
    guard case .object(let o) = v else {
      throw error("\(what) is \(v.typeName), not an object")
    }
    return o
  }

  func array(_ v: JSONValue?, _ what: String) throws(SpecError) -> [JSONValue] {
    guard let v else { throw error("\(what) is missing") }
    guard case .array(let a) = v else {
      throw error("\(what) is \(v.typeName), not a list")
    }
    return a
  }

  func string(_ v: JSONValue?, _ what: String) throws(SpecError) -> String {
    guard let v else { throw error("\(what) is missing") }
    guard case .string(let s) = v else {
      throw error("\(what) is \(v.typeName), not a string")
    }
    return s
  }

  /// A field holding one word of `W` (an enum of the spec's words):
  /// missing, not a string, or a word `W` does not have is an error naming
  /// the field, the bad word and the words allowed.
  func word<W: RawRepresentable & CaseIterable>(
    _ v: JSONValue?, _ what: String, as: W.Type
  ) throws(SpecError) -> W where W.RawValue == String {
    let text = try string(v, what)
    guard let w = W(rawValue: text) else {
      throw error(
        "\(what) \"\(text)\" is not one of "
          + W.allCases.map(\.rawValue).sorted().joined(separator: ", "))
    }
    return w
  }

  /// `word(_:_:as:)` for an optional field: `defaultWord` when absent.
  func word<W: RawRepresentable & CaseIterable>(
    _ v: JSONValue?, _ what: String, default defaultWord: W
  ) throws(SpecError) -> W where W.RawValue == String {
    guard let v else { return defaultWord }
    return try word(v, what, as: W.self)
  }

  func optionalString(_ v: JSONValue?, _ what: String) throws(SpecError)
    -> String?
  {
    guard let v else { return nil }
    return try string(v, what)
  }

  func bool(_ v: JSONValue?, _ what: String) throws(SpecError) -> Bool? {
    guard let v else { return nil }
    guard case .bool(let b) = v else {
      throw error("\(what) is \(v.typeName), not true or false")
    }
    return b
  }

  func number(_ v: JSONValue?, _ what: String) throws(SpecError) -> Double {
    guard let v else { throw error("\(what) is missing") }
    guard case .number(let text) = v, let d = Double(text) else {
      throw error("\(what) is \(v.typeName), not a number")
    }
    return d
  }
}
