import LossCheck

/// One loss evaluation of the case schema (CASE_SCHEMA.md).
public struct Case: Sendable {
  /// A forward argument: a tensor, or a plain number (GaussianNLL's `var`).
  public enum Input: Sendable, Equatable {
    case tensor(AnyTensor)
    case number(Double)
  }

  public var id: String
  public var loss: String
  public var dtype: DType
  /// The constructor's keyword arguments, as written (typed reading is per
  /// loss, see ``CaseOptions``).
  public var options: JSONObject
  public var inputs: [String: Input]
  public var gradWrt: [String]
  public var gradOutput: AnyTensor?
  /// What the golden file says PyTorch returns (a value or an error);
  /// nil for a case without one, e.g. one drawn by the fuzzer.
  public var expected: Outcome?
  public var tolerance: Tolerance?
  /// Short words that classify the case for selection (`--tag`), e.g.
  /// `broadcast` or `stricter_than_pytorch`; empty when the case has none.
  public var tags: [String]

  public init(
    id: String, loss: String, dtype: DType, options: JSONObject = JSONObject(),
    inputs: [String: Input], gradWrt: [String] = [],
    gradOutput: AnyTensor? = nil, expected: Outcome? = nil,
    tolerance: Tolerance? = nil, tags: [String] = []
  ) {
    self.id = id
    self.loss = loss
    self.dtype = dtype
    self.options = options
    self.inputs = inputs
    self.gradWrt = gradWrt
    self.gradOutput = gradOutput
    self.expected = expected
    self.tolerance = tolerance
    self.tags = tags
  }
}

/// A comparison tolerance: |actual − expected| ≤ atol + rtol·|expected|.
///
/// With `atolElements`, a field that has bounds there uses its element's
/// bound in place of `atol`.
public struct Tolerance: Sendable, Equatable {
  public var rtol: Double
  public var atol: Double
  public var why: String?
  /// Per-element absolute bounds (`atol_elements`), or nil.
  public var atolElements: ElementTolerances?

  public init(
    rtol: Double, atol: Double, why: String? = nil,
    atolElements: ElementTolerances? = nil
  ) {
    self.rtol = rtol
    self.atol = atol
    self.why = why
    self.atolElements = atolElements
  }
}

extension Case {
  /// The id of a case JSON value, or "" when it has none.
  public static func id(of json: JSONValue) -> String {
    if case .string(let s)? = json["id"] { return s }
    return ""
  }

  /// Reads a case, refusing with the field at fault.
  public init(json: JSONValue) throws(CaseError) {
    guard case .object(let o) = json else {
      throw CaseError(
        .invalidOption, field: "case",
        "expected a JSON object, got \(json.typeName)")
    }
    switch o["id"] {
    case .string(let s)?: id = s
    case nil: id = ""
    case let v?:
      throw CaseError(
        .invalidOption, field: "id", "expected a string, got \(v.typeName)")
    }
    guard case .string(let loss)? = o["loss"] else {
      throw CaseError(.invalidOption, field: "loss", "missing or not a string")
    }
    self.loss = loss
    guard case .string(let d)? = o["dtype"], let dtype = DType(rawValue: d),
      dtype.isFloating
    else {
      throw CaseError(
        .dtypeMismatch, field: "dtype",
        "expected \"float32\", \"float64\", \"float16\" or \"bfloat16\", got \(o["dtype"].map(JSONWriter.write) ?? "nothing")"
      )
    }
    self.dtype = dtype
    switch o["options"] {
    case nil, .null?: options = JSONObject()
    case .object(let opts)?: options = opts
    case let v?:
      throw CaseError(
        .invalidOption, field: "options",
        "expected an object, got \(v.typeName)")
    }
    guard case .object(let ins)? = o["inputs"] else {
      throw CaseError(
        .invalidOption, field: "inputs", "missing or not an object")
    }
    var inputs: [String: Input] = [:]
    for (name, v) in ins.pairs {
      if case .number(let text) = v {
        guard let x = Double(text) else {
          throw CaseError(.dtypeMismatch, field: "inputs.\(name)", "bad number")
        }
        inputs[name] = .number(x)
      } else {
        inputs[name] = .tensor(
          try TensorJSON.decode(v, field: "inputs.\(name)"))
      }
    }
    self.inputs = inputs
    switch o["grad_wrt"] {
    case nil, .null?: gradWrt = []
    case .array(let names)?:
      var list: [String] = []
      for n in names {
        guard case .string(let s) = n else {
          throw CaseError(
            .invalidOption, field: "grad_wrt", "expected input names")
        }
        list.append(s)
      }
      gradWrt = list
    case let v?:
      throw CaseError(
        .invalidOption, field: "grad_wrt",
        "expected an array, got \(v.typeName)")
    }
    switch o["grad_output"] {
    case nil, .null?: gradOutput = nil
    case let v?: gradOutput = try TensorJSON.decode(v, field: "grad_output")
    }
    switch o["expected"] {
    case nil, .null?: expected = nil
    case let v?:
      // Only a backend may answer unsupported: PyTorch runs every case.
      guard v["unsupported"] == nil else {
        throw CaseError(
          .invalidOption, field: "expected.unsupported",
          "a golden case expects a value or an error, never unsupported")
      }
      expected = try Case.expected(v)
    }
    switch o["tolerance"] {
    case nil, .null?: tolerance = nil
    case .object(let t)?:
      guard case .number(let r)? = t["rtol"], let rtol = Double(r),
        case .number(let a)? = t["atol"], let atol = Double(a)
      else {
        throw CaseError(
          .invalidOption, field: "tolerance", "needs rtol and atol numbers")
      }
      var why: String? = nil
      if case .string(let w)? = t["why"] { why = w }
      let elements = try t["atol_elements"].map { v throws(CaseError) in
        try ElementTolerances(json: v)
      }
      tolerance = Tolerance(
        rtol: rtol, atol: atol, why: why, atolElements: elements)
    case let v?:
      throw CaseError(
        .invalidOption, field: "tolerance",
        "expected an object, got \(v.typeName)")
    }
    tags = try Case.readTags(o["tags"])
  }

  static func readTags(_ v: JSONValue?) throws(CaseError) -> [String] {
    switch v {
    case nil, .null?: return []
    case .array(let items)?:
      var list: [String] = []
      for item in items {
        guard case .string(let s) = item else {
          throw CaseError(
            .invalidOption, field: "tags",
            "expected strings, got \(item.typeName)")
        }
        list.append(s)
      }
      return list
    case let v?:
      throw CaseError(
        .invalidOption, field: "tags", "expected an array, got \(v.typeName)")
    }
  }

  /// A value or an error outcome: `output` (and `grads`), or an `error`
  /// object whose `kind` is any string (a word no enum knows is kept as
  /// `.unknown`).
  static func expected(_ v: JSONValue) throws(CaseError) -> Outcome {
    if case .object(let e)? = v["error"] {
      guard case .string(let kind)? = e["kind"] else {
        throw CaseError(.invalidOption, field: "expected.error.kind", "missing")
      }
      var message = ""
      if case .string(let m)? = e["message"] { message = m }
      return .error(kind: ErrorKind(rawValue: kind), message: message)
    }
    guard let out = v["output"] else {
      throw CaseError(
        .invalidOption, field: "expected", "needs \"output\" or \"error\"")
    }
    let output = try TensorJSON.decode(out, field: "expected.output")
    var grads: [String: AnyTensor] = [:]
    if case .object(let g)? = v["grads"] {
      for (name, t) in g.pairs {
        grads[name] = try TensorJSON.decode(t, field: "expected.grads.\(name)")
      }
    }
    return .value(output: output, grads: grads)
  }
}

/// What a backend answers for one case.
public struct CaseResult: Sendable {
  /// The id of the case answered.
  public var id: String
  /// A value, an error (a refusal the judge compares with the golden's), or
  /// `unsupported`: the backend does not implement this loss, option, dtype
  /// or input form. An unsupported case is skipped, neither passed nor
  /// failed (`--strict` makes a skip fail the run).
  public var outcome: Outcome

  /// The answer `outcome` to case `id`.
  public init(id: String, outcome: Outcome) {
    self.id = id
    self.outcome = outcome
  }

  /// The refusal `e` as the answer to case `id` (its kind a loss kind).
  public static func error(id: String, _ e: LossError) -> CaseResult {
    CaseResult(
      id: id, outcome: .error(kind: .loss(e.kind), message: e.message))
  }

  /// A case that could not be read, as the answer to case `id`: its kind,
  /// and the field at fault in the message.
  public static func error(id: String, _ e: CaseError) -> CaseResult {
    CaseResult(
      id: id, outcome: .error(kind: .loss(e.kind), message: e.description))
  }

  /// The result line of the eval protocol.
  public var json: JSONValue {
    var o = JSONObject([("id", .string(id))])
    switch outcome {
    case .value(let output, let grads):
      o["output"] = TensorJSON.encode(output)
      if !grads.isEmpty {
        var g = JSONObject()
        for name in grads.keys.sorted() {
          if let t = grads[name] { g[name] = TensorJSON.encode(t) }
        }
        o["grads"] = .object(g)
      }
    case .error(let kind, let message):
      o["error"] = .object(
        JSONObject([
          ("kind", .string(kind.rawValue)), ("message", .string(message)),
        ]))
    case .unsupported(let reason):
      o["unsupported"] = .string(reason)
    }
    return .object(o)
  }

  /// Reads a result line (from an external backend): a value, an `error`
  /// object, or `"unsupported": "reason"` (a string; any other type is
  /// refused naming the field).
  public init(json: JSONValue) throws(CaseError) {
    id = Case.id(of: json)
    switch json["unsupported"] {
    case nil: break
    case .string(let reason)?:
      outcome = .unsupported(reason: reason)
      return
    case let v?:
      throw CaseError(
        .invalidOption, field: "unsupported",
        "expected a string saying what is missing, got \(v.typeName)")
    }
    outcome = try Case.expected(json)
  }
}
