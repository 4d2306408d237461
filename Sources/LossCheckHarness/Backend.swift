import LossCheck

/// Something that evaluates cases: the Swift reference, an external
/// process, an embedded Python module, or your own implementation.
///
/// `evaluate` never throws: a refusal is an error result
/// (`Outcome.error`) whose kind the harness compares with the
/// golden's. A case the backend does not implement (the loss, an option or
/// option value, the dtype, an input form) is answered
/// `Outcome.unsupported(reason:)`, saying what is missing: the
/// case is then skipped, neither passed nor failed (`--strict` makes a
/// skip fail the run). An implemented call that the backend refuses is an
/// error, not unsupported.
///
/// With `losscheck run --jobs N` the backend is made N times and each
/// instance is called from its own thread, one case at a time.
public protocol LossBackend: Sendable {
  /// A short name for reports, e.g. "reference".
  var name: String { get }
  func evaluate(_ c: Case) -> CaseResult
}

/// Turns one case into a typed call of a reference loss.
///
/// One adapter per loss, in Adapters/<Loss>+Adapter.swift: it reads the
/// options and inputs from a ``LossCall`` and calls the library's loss.
public protocol ReferenceAdapter: Sendable {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>

  /// A half case (float16 or bfloat16) computed in Float, and the inputs
  /// whose gradients the loss already rounded to the case's dtype (the
  /// backend rounds the output and every other gradient). The default is
  /// `evaluate(call, as: Float.self)` with none rounded.
  func evaluateHalf(_ call: LossCall)
    throws(LossError) -> (LossValue<Float>, rounded: Set<LossInput>)
}

extension ReferenceAdapter {
  /// `evaluate(call, as: Float.self)`, no gradient rounded yet.
  public func evaluateHalf(_ call: LossCall)
    throws(LossError) -> (LossValue<Float>, rounded: Set<LossInput>)
  {
    (try evaluate(call, as: Float.self), [])
  }
}

/// The Swift reference losses of the `LossCheck` library as a backend.
public struct ReferenceBackend: LossBackend {
  public let name = "reference"
  public let spec: Spec
  /// The ceiling on one case's allocations; a case over it gets a
  /// `resource_limit` error result without being evaluated.
  public var budget: WorkBudget

  /// The reference for the losses of `spec`, under `budget`.
  public init(spec: Spec, budget: WorkBudget = WorkBudget()) {
    self.spec = spec
    self.budget = budget
  }

  /// An adapter's two concrete entry points. Built by `entry(_:)`, which
  /// the optimizer specializes for each adapter type, so that the loss runs
  /// its Float or Double specialization rather than generic code (through an
  /// existential, a generic method would run unspecialized, with every
  /// element operation a witness-table call).
  public struct Entry: Sendable {
    let float: @Sendable (LossCall) throws(LossError) -> LossValue<Float>
    let double: @Sendable (LossCall) throws(LossError) -> LossValue<Double>
    let half:
      @Sendable (LossCall) throws(LossError) -> (
        LossValue<Float>, rounded: Set<LossInput>
      )
  }

  static func entry<A: ReferenceAdapter>(_ a: A) -> Entry {
    Entry(
      float: { c throws(LossError) in try a.evaluate(c, as: Float.self) },
      double: { c throws(LossError) in try a.evaluate(c, as: Double.self) },
      half: { c throws(LossError) in try a.evaluateHalf(c) })
  }

  /// The adapters, by loss name.
  public static let adapters: [String: Entry] = [
    "L1Loss": entry(L1LossAdapter()),
    "MSELoss": entry(MSELossAdapter()),
    "HuberLoss": entry(HuberLossAdapter()),
    "SmoothL1Loss": entry(SmoothL1LossAdapter()),
    "PoissonNLLLoss": entry(PoissonNLLLossAdapter()),
    "GaussianNLLLoss": entry(GaussianNLLLossAdapter()),
    "CrossEntropyLoss": entry(CrossEntropyLossAdapter()),
    "NLLLoss": entry(NLLLossAdapter()),
    "KLDivLoss": entry(KLDivLossAdapter()),
    "BCELoss": entry(BCELossAdapter()),
    "BCEWithLogitsLoss": entry(BCEWithLogitsLossAdapter()),
    "SoftMarginLoss": entry(SoftMarginLossAdapter()),
    "MultiLabelSoftMarginLoss": entry(MultiLabelSoftMarginLossAdapter()),
    "MarginRankingLoss": entry(MarginRankingLossAdapter()),
    "HingeEmbeddingLoss": entry(HingeEmbeddingLossAdapter()),
    "MultiLabelMarginLoss": entry(MultiLabelMarginLossAdapter()),
    "MultiMarginLoss": entry(MultiMarginLossAdapter()),
    "CosineEmbeddingLoss": entry(CosineEmbeddingLossAdapter()),
    "TripletMarginLoss": entry(TripletMarginLossAdapter()),
    "TripletMarginWithDistanceLoss": entry(
      TripletMarginWithDistanceLossAdapter()),
    "CTCLoss": entry(CTCLossAdapter()),
    // scripts/new_loss.py adds entries above this line.
  ]

  public func evaluate(_ c: Case) -> CaseResult {
    do throws(LossError) {
      guard let lossSpec = spec.losses[c.loss],
        let adapter = ReferenceBackend.adapters[c.loss]
      else {
        throw LossError(.invalidOption, "loss: unknown loss '\(c.loss)'")
      }
      let call = try LossCall(c, spec: lossSpec)
      if let over = budget.refusal(for: call) { return over.result(id: c.id) }
      switch c.dtype {
      case .float32: return try finish(adapter.float(call), call)
      case .float64: return try finish(adapter.double(call), call)
      case .float16, .bfloat16:
        // PyTorch CPU's opmath: half inputs widened to Float, the Float
        // path, each result rounded once to the case dtype.
        let (value, rounded) = try adapter.half(call)
        return try finish(
          value, call, roundingTo: c.dtype, alreadyRounded: rounded)
      case .int64:
        throw LossError(.dtypeMismatch, "dtype: int64 is not a floating dtype")
      }
    } catch {
      return .error(id: c.id, error)
    }
  }

  /// The result of a computed value: the output and the gradients of
  /// `grad_wrt`.
  func finish<T: LossScalar>(_ v: LossValue<T>, _ call: LossCall)
    throws(LossError) -> CaseResult
  {
    var grads: [String: AnyTensor] = [:]
    for name in call.testCase.gradWrt {
      guard let g = v.gradient(named: name) else {
        throw LossError(
          .invalidOption,
          "grad_wrt: \(call.spec.name) gives no gradient for '\(name)'")
      }
      grads[name] = AnyTensor(g)
    }
    return CaseResult(
      id: call.testCase.id,
      outcome: .value(output: AnyTensor(v.value), grads: grads))
  }

  /// The result of a half case's Float value: the output and each
  /// gradient of `grad_wrt` rounded once to `dtype`, in place (`v` is
  /// consumed, so no gradient is copied first), except the gradients of
  /// `alreadyRounded`, which the loss rounded as it wrote them.
  func finish(
    _ v: consuming LossValue<Float>, _ call: LossCall, roundingTo dtype: DType,
    alreadyRounded: Set<LossInput> = []
  ) throws(LossError) -> CaseResult {
    func wrap(_ t: consuming Tensor<Float>, round: Bool = true) -> AnyTensor {
      var f = t
      if round { HalfRounding.round(&f, to: dtype) }
      return dtype == .float16 ? .float16(f) : .bfloat16(f)
    }
    var grads: [String: AnyTensor] = [:]
    for name in call.testCase.gradWrt {
      guard let input = LossInput(rawValue: name),
        let g = v.gradients.byInput.removeValue(forKey: input)
      else {
        throw LossError(
          .invalidOption,
          "grad_wrt: \(call.spec.name) gives no gradient for '\(name)'")
      }
      grads[name] = wrap(g, round: !alreadyRounded.contains(input))
    }
    return CaseResult(
      id: call.testCase.id,
      outcome: .value(output: wrap(v.value), grads: grads))
  }
}

extension LossBackend {
  /// Evaluates one JSON line of the eval protocol: a line that is not a
  /// valid case gets an error result naming the field.
  public func evaluate(line: some Collection<UInt8>) -> CaseResult {
    let json: JSONValue
    do {
      json = try JSONParser.parse(line)
    } catch {
      return CaseResult(
        id: "",
        outcome: .error(
          kind: .loss(.invalidOption), message: error.description))
    }
    do {
      return evaluate(try Case(json: json))
    } catch {
      return .error(id: Case.id(of: json), error)
    }
  }
}
