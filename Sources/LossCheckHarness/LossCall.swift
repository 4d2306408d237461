import LossCheck

/// One case, checked against its loss's spec and ready for typed reading:
/// what a reference adapter receives.
///
/// Construction refuses, as PyTorch would, an option the loss does not
/// have, an option of the wrong JSON type, a missing or unknown input, an
/// input of the wrong dtype, and a `grad_wrt` naming a non-floating input.
public struct LossCall: Sendable {
  public let testCase: Case
  public let spec: Spec.Loss

  public init(_ c: Case, spec: Spec.Loss) throws(LossError) {
    self.testCase = c
    self.spec = spec
    for (name, value) in c.options.pairs {
      guard let o = spec.option(name) else {
        throw LossError(
          .invalidOption, "\(name): not an option of \(spec.name)")
      }
      try LossCall.checkType(o, value)
    }
    for i in spec.inputs {
      guard let v = c.inputs[i.name] else {
        throw LossError(.invalidOption, "inputs.\(i.name): missing")
      }
      switch v {
      case .number:
        guard i.numberAllowed else {
          throw LossError(.dtypeMismatch, "inputs.\(i.name): must be a tensor")
        }
      case .tensor(let t):
        if i.dtype == .float, t.dtype != c.dtype {
          throw LossError(
            .dtypeMismatch,
            "inputs.\(i.name): dtype \(t.dtype.rawValue) where the case computes in \(c.dtype.rawValue)"
          )
        }
        if i.dtype == .int64, t.dtype != .int64 {
          throw LossError(
            .dtypeMismatch,
            "inputs.\(i.name): dtype \(t.dtype.rawValue), expected int64")
        }
      }
    }
    for name in c.inputs.keys
    where !spec.inputs.contains(where: { $0.name == name }) {
      throw LossError(
        .invalidOption, "inputs.\(name): not an input of \(spec.name)")
    }
    for name in c.gradWrt {
      guard let v = c.inputs[name] else {
        throw LossError(
          .invalidOption, "grad_wrt: '\(name)' is not an input of \(spec.name)")
      }
      if case .tensor(let t) = v, !t.dtype.isFloating {
        throw LossError(
          .dtypeMismatch, "grad_wrt: '\(name)' is not a floating input")
      }
      guard LossInput(pytorchName: name) != nil else {
        throw LossError(
          .invalidOption, "grad_wrt: '\(name)' is not a differentiable input")
      }
    }
  }

  static func checkType(_ o: Spec.Option, _ v: JSONValue) throws(LossError) {
    let ok: Bool
    switch (o.type, v) {
    case (_, .null): ok = o.nullable
    case (.bool, .bool): ok = true
    case (.float, .number), (.int, .number): ok = true
    case (.float, .string(let s)): ok = ["nan", "inf", "-inf"].contains(s)
    case (.enumeration, .string), (.string, .string): ok = true
    case (.tensor, .object): ok = true
    default: ok = false
    }
    guard ok else {
      // An enum's values are strings; every other type names itself.
      let want = o.type == .enumeration ? "a string" : "a \(o.type.rawValue)"
      throw LossError(
        .invalidOption,
        "\(o.name): expected \(want), got \(JSONWriter.write(v))")
    }
  }

  // MARK: Options

  func value(_ name: String) -> JSONValue {
    testCase.options[name] ?? spec.option(name)?.defaultValue ?? .null
  }

  /// Whether the case sets `name` to something other than null.
  public func isSet(_ name: String) -> Bool {
    if case .null = value(name) { return false }
    return true
  }

  /// The `reduction`, with PyTorch's deprecated `size_average`/`reduce`.
  public func reduction() throws(LossError) -> Reduction {
    try Reduction(
      parsing: reductionName(), sizeAverage: optionalBool("size_average"),
      reduce: optionalBool("reduce"),
      allowElementwiseMean: spec.elementwiseMeanAlias)
  }

  /// The raw `reduction` string (for losses with extra reductions).
  public func reductionName() throws(LossError) -> String {
    try string("reduction")
  }

  public func string(_ name: String) throws(LossError) -> String {
    guard case .string(let s) = value(name) else {
      throw LossError(.invalidOption, "\(name): expected a string")
    }
    return s
  }

  public func double(_ name: String) throws(LossError) -> Double {
    switch value(name) {
    case .number(let text):
      guard let d = Double(text) else {
        throw LossError(.invalidOption, "\(name): bad number \(text)")
      }
      return d
    case .string("nan"): return .nan
    case .string("inf"): return .infinity
    case .string("-inf"): return -.infinity
    default: throw LossError(.invalidOption, "\(name): expected a number")
    }
  }

  public func int(_ name: String) throws(LossError) -> Int {
    guard case .number(let text) = value(name) else {
      throw LossError(.invalidOption, "\(name): expected an integer")
    }
    if let n = Int(text) { return n }
    if let d = Double(text), d.rounded() == d, abs(d) < 9e18 { return Int(d) }
    throw LossError(.invalidOption, "\(name): expected an integer, got \(text)")
  }

  public func bool(_ name: String) throws(LossError) -> Bool {
    guard case .bool(let b) = value(name) else {
      throw LossError(.invalidOption, "\(name): expected true or false")
    }
    return b
  }

  public func optionalBool(_ name: String) -> Bool? {
    if case .bool(let b) = value(name) { return b }
    return nil
  }

  /// A tensor option (`weight`, `pos_weight`) in the case dtype, or nil.
  public func tensorOption<T: LossScalar>(_ name: String, as: T.Type)
    throws(LossError) -> Tensor<T>?
  {
    let v = value(name)
    if case .null = v { return nil }
    let t: AnyTensor
    do {
      t = try TensorJSON.decode(v, field: "options.\(name)")
    } catch {
      throw LossError(error.kind, error.description)
    }
    return try LossCall.typed(t, as: T.self, what: "options.\(name)")
  }

  // MARK: Inputs

  public func input<T: LossScalar>(_ name: String, as: T.Type)
    throws(LossError) -> Tensor<T>
  {
    switch testCase.inputs[name] {
    case .tensor(let t)?:
      return try LossCall.typed(t, as: T.self, what: "inputs.\(name)")
    case .number(let x)?: return Tensor(T(x))
    case nil: throw LossError(.invalidOption, "inputs.\(name): missing")
    }
  }

  /// A plain-number input, or nil when the input is a tensor.
  public func numberInput(_ name: String) -> Double? {
    if case .number(let x)? = testCase.inputs[name] { return x }
    return nil
  }

  public func indexInput(_ name: String) throws(LossError) -> Tensor<Int64> {
    guard case .tensor(.int64(let t))? = testCase.inputs[name] else {
      throw LossError(
        .dtypeMismatch, "inputs.\(name): expected an int64 tensor")
    }
    return t
  }

  public func anyInput(_ name: String) throws(LossError) -> AnyTensor {
    guard case .tensor(let t)? = testCase.inputs[name] else {
      throw LossError(.invalidOption, "inputs.\(name): expected a tensor")
    }
    return t
  }

  public func gradOutput<T: LossScalar>(as: T.Type) throws(LossError) -> Tensor<
    T
  >? {
    guard let g = testCase.gradOutput else { return nil }
    return try LossCall.typed(g, as: T.self, what: "grad_output")
  }

  static func typed<T: LossScalar>(_ t: AnyTensor, as: T.Type, what: String)
    throws(LossError) -> Tensor<T>
  {
    switch t {
    case .float32(let x) where T.self == Float.self,
      .float16(let x) where T.self == Float.self,
      .bfloat16(let x) where T.self == Float.self:
      // Half values widen to Float exactly: the Float path computes them.
      if let y = x as? Tensor<T> { return y }
    case .float64(let x) where T.self == Double.self:
      if let y = x as? Tensor<T> { return y }
    default: break
    }
    throw LossError(
      .dtypeMismatch,
      "\(what): dtype \(t.dtype.rawValue) where the case computes in \(T.dtypeName)"
    )
  }
}
