import Foundation

/// The declarative spec: golden/spec.json (dtypes, tolerances) and one
/// golden/spec/<Loss>.json per loss (inputs, options, grid). The NumPy
/// generator reads the same files.
public struct Spec: Sendable {
  public struct Input: Sendable {
    public var name: String
    /// "float", "int64" or "any".
    public var dtype: String
    public var differentiable: Bool
    /// Whether a plain JSON number is accepted (GaussianNLL's `var`).
    public var numberAllowed: Bool
  }

  public struct Option: Sendable {
    public var name: String
    /// "enum", "float", "int", "bool", "string" or "tensor".
    public var type: String
    public var values: [String]
    public var defaultValue: JSONValue
    public var nullable: Bool
    public var deprecated: Bool
    /// The documented domain, e.g. "> 0", for `losscheck list`.
    public var domain: String?
  }

  public struct Loss: Sendable {
    public var name: String
    public var family: String
    public var summary: String
    public var inputs: [Input]
    public var options: [Option]
    /// Option name → the values the goldens must cover (tensor options:
    /// true/false for present/absent).
    public var grid: [(String, [JSONValue])]
    public var elementwiseMeanAlias: Bool

    public func option(_ name: String) -> Option? {
      options.first { $0.name == name }
    }

    /// Every grid point, as (option, value) lists.
    public var gridPoints: [[(String, JSONValue)]] {
      var points: [[(String, JSONValue)]] = [[]]
      for (name, values) in grid {
        points = points.flatMap { p in values.map { p + [(name, $0)] } }
      }
      return points
    }
  }

  public var dtypes: [DType]
  public var tolerances: [DType: Tolerance]
  public var losses: [String: Loss]

  /// The losses in golden/spec.json's `"losses"` order (the one canonical
  /// order of the project).
  public var lossOrder: [String] = []

  /// Loss names in `lossOrder`; a loss with a spec file but missing from
  /// the list comes after, by name.
  public var lossNames: [String] {
    lossOrder.filter { losses[$0] != nil }
      + losses.keys.filter { !lossOrder.contains($0) }.sorted()
  }

  public func tolerance(for c: Case) -> Tolerance {
    c.tolerance ?? tolerances[c.dtype] ?? Tolerance(rtol: 0, atol: 0)
  }
}

/// Why the spec could not be read.
public struct SpecError: Error, CustomStringConvertible {
  public var file: String
  public var message: String
  public var description: String { "\(file): \(message)" }
}

extension Spec {
  /// Loads the spec from a golden directory.
  public static func load(goldenDirectory dir: String) throws(SpecError) -> Spec {
    let top = try readJSON("\(dir)/spec.json")
    var dtypes: [DType] = []
    if case .array(let names)? = top["dtypes"] {
      for case .string(let n) in names {
        if let d = DType(rawValue: n) { dtypes.append(d) }
      }
    }
    var tolerances: [DType: Tolerance] = [:]
    if case .object(let t)? = top["tolerances"] {
      for (name, v) in t.pairs {
        guard let d = DType(rawValue: name),
          case .number(let r)? = v["rtol"], let rtol = Double(r),
          case .number(let a)? = v["atol"], let atol = Double(a)
        else {
          throw SpecError(file: "\(dir)/spec.json", message: "bad tolerance \(name)")
        }
        tolerances[d] = Tolerance(rtol: rtol, atol: atol)
      }
    }
    var order: [String] = []
    if case .array(let names)? = top["losses"] {
      for case .string(let n) in names { order.append(n) }
    }
    var losses: [String: Loss] = [:]
    let specDir = "\(dir)/spec"
    let files: [String]
    do {
      files = try FileManager.default.contentsOfDirectory(atPath: specDir)
        .filter { $0.hasSuffix(".json") }.sorted()
    } catch {
      throw SpecError(file: specDir, message: "cannot list: \(error)")
    }
    for f in files {
      let path = "\(specDir)/\(f)"
      let loss = try parseLoss(try readJSON(path), file: path)
      losses[loss.name] = loss
    }
    return Spec(
      dtypes: dtypes, tolerances: tolerances, losses: losses, lossOrder: order)
  }

  static func readJSON(_ path: String) throws(SpecError) -> JSONValue {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SpecError(file: path, message: "cannot read the file")
    }
    do {
      return try JSONParser.parse(data)
    } catch {
      throw SpecError(file: path, message: error.description)
    }
  }

  static func parseLoss(_ v: JSONValue, file: String) throws(SpecError) -> Loss {
    guard case .string(let name)? = v["loss"] else {
      throw SpecError(file: file, message: "no \"loss\" name")
    }
    func string(_ j: JSONValue?) -> String? {
      if case .string(let s)? = j { return s }
      return nil
    }
    func bool(_ j: JSONValue?) -> Bool? {
      if case .bool(let b)? = j { return b }
      return nil
    }
    var inputs: [Input] = []
    if case .array(let list)? = v["inputs"] {
      for i in list {
        guard let n = string(i["name"]) else {
          throw SpecError(file: file, message: "an input without a name")
        }
        inputs.append(
          Input(
            name: n, dtype: string(i["dtype"]) ?? "float",
            differentiable: bool(i["differentiable"]) ?? false,
            numberAllowed: bool(i["number_allowed"]) ?? false))
      }
    }
    var options: [Option] = []
    if case .array(let list)? = v["options"] {
      for o in list {
        guard let n = string(o["name"]), let t = string(o["type"]) else {
          throw SpecError(file: file, message: "an option without name or type")
        }
        var values: [String] = []
        if case .array(let vs)? = o["values"] {
          for case .string(let s) in vs { values.append(s) }
        }
        options.append(
          Option(
            name: n, type: t, values: values, defaultValue: o["default"] ?? .null,
            nullable: bool(o["nullable"]) ?? (t == "tensor"),
            deprecated: bool(o["deprecated"]) ?? false,
            domain: string(o["domain"])))
      }
    }
    var grid: [(String, [JSONValue])] = []
    if case .object(let g)? = v["grid"] {
      for (k, vals) in g.pairs {
        guard case .array(let list) = vals else {
          throw SpecError(file: file, message: "grid.\(k) is not a list")
        }
        guard options.contains(where: { $0.name == k }) else {
          throw SpecError(file: file, message: "grid names unknown option \(k)")
        }
        grid.append((k, list))
      }
    }
    return Loss(
      name: name, family: string(v["family"]) ?? "",
      summary: string(v["summary"]) ?? "", inputs: inputs, options: options,
      grid: grid,
      elementwiseMeanAlias: bool(v["elementwise_mean_alias"]) ?? true)
  }
}
