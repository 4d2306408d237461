import LossCheck

/// Per-element absolute bounds of a case (`tolerance.atol_elements`, the
/// half-precision cases' tolerance model): one float64 tensor per field,
/// shaped like that field. Element i of a field passes when
/// |actual − expected| ≤ bound_i + rtol·|expected|; an infinite bound
/// accepts any value but NaN.
public struct ElementTolerances: Sendable, Equatable {
  /// The bounds of the output, if given.
  public var output: Tensor<Double>?
  /// The bounds of each gradient, by input name.
  public var grads: [String: Tensor<Double>]

  /// Bounds for the output and the named gradients.
  public init(output: Tensor<Double>?, grads: [String: Tensor<Double>] = [:]) {
    self.output = output
    self.grads = grads
  }

  /// The bounds of a judged field: "output" or "grads.<name>"; nil when
  /// the golden gives none for it.
  public func bounds(for field: String) -> Tensor<Double>? {
    if field == "output" { return output }
    let prefix = "grads."
    guard field.hasPrefix(prefix) else { return nil }
    return grads[String(field.dropFirst(prefix.count))]
  }

  /// Reads `{"output": T, "grads": {name: T}}` (field
  /// `tolerance.atol_elements`): each T a float64 tensor of bounds that
  /// are non-negative or "inf"; a NaN or negative bound, another dtype or
  /// a field that is not an object is refused, naming the field.
  public init(json: JSONValue) throws(CaseError) {
    let field = "tolerance.atol_elements"
    guard case .object(let o) = json else {
      throw CaseError(
        .invalidOption, field: field,
        "expected an object, got \(json.typeName)")
    }
    for key in o.keys where key != "output" && key != "grads" {
      throw CaseError(
        .invalidOption, field: "\(field).\(key)",
        "unknown field (expected output and grads)")
    }
    output = try o["output"].map { v throws(CaseError) in
      try ElementTolerances.bounds(v, field: "\(field).output")
    }
    grads = [:]
    switch o["grads"] {
    case nil: break
    case .object(let g)?:
      for name in g.keys {
        guard let v = g[name] else { continue }
        grads[name] = try ElementTolerances.bounds(
          v, field: "\(field).grads.\(name)")
      }
    case let v?:
      throw CaseError(
        .invalidOption, field: "\(field).grads",
        "expected an object, got \(v.typeName)")
    }
  }

  static func bounds(_ v: JSONValue, field: String) throws(CaseError)
    -> Tensor<Double>
  {
    guard case .float64(let t) = try TensorJSON.decode(v, field: field) else {
      throw CaseError(
        .invalidOption, field: "\(field).dtype", "bounds must be float64")
    }
    if let k = t.scalars.firstIndex(where: { !($0 >= 0) }) {
      throw CaseError(
        .invalidOption, field: "\(field).data[\(k)]",
        "a bound must be a non-negative number or \"inf\", got \(t[flat: k])")
    }
    return t
  }
}
