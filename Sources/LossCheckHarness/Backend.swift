import LossCheck

/// Something that evaluates cases: the Swift reference, an external
/// process, an embedded Python module, or your own implementation.
///
/// `evaluate` never throws: a refusal is an error result
/// (`CaseResult.Outcome.error`) whose kind the harness compares with the
/// golden's.
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
}

/// The Swift reference losses of the `LossCheck` library as a backend.
public struct ReferenceBackend: LossBackend {
  public let name = "reference"
  public let spec: Spec

  public init(spec: Spec) { self.spec = spec }

  /// The adapters, by loss name.
  public static let adapters: [String: any ReferenceAdapter] = [
    "L1Loss": L1LossAdapter(),
    "MSELoss": MSELossAdapter(),
    "HuberLoss": HuberLossAdapter(),
    "SmoothL1Loss": SmoothL1LossAdapter(),
    "PoissonNLLLoss": PoissonNLLLossAdapter(),
    "GaussianNLLLoss": GaussianNLLLossAdapter(),
    "CrossEntropyLoss": CrossEntropyLossAdapter(),
    "NLLLoss": NLLLossAdapter(),
    "KLDivLoss": KLDivLossAdapter(),
    "BCELoss": BCELossAdapter(),
    "BCEWithLogitsLoss": BCEWithLogitsLossAdapter(),
    "SoftMarginLoss": SoftMarginLossAdapter(),
    "MultiLabelSoftMarginLoss": MultiLabelSoftMarginLossAdapter(),
    "MarginRankingLoss": MarginRankingLossAdapter(),
    "HingeEmbeddingLoss": HingeEmbeddingLossAdapter(),
    "MultiLabelMarginLoss": MultiLabelMarginLossAdapter(),
    "MultiMarginLoss": MultiMarginLossAdapter(),
    "CosineEmbeddingLoss": CosineEmbeddingLossAdapter(),
    "TripletMarginLoss": TripletMarginLossAdapter(),
    "TripletMarginWithDistanceLoss": TripletMarginWithDistanceLossAdapter(),
    "CTCLoss": CTCLossAdapter(),
  ]

  public func evaluate(_ c: Case) -> CaseResult {
    do throws(LossError) {
      guard let lossSpec = spec.losses[c.loss],
        let adapter = ReferenceBackend.adapters[c.loss]
      else {
        throw LossError(.invalidOption, "loss: unknown loss '\(c.loss)'")
      }
      let call = try LossCall(c, spec: lossSpec)
      switch c.dtype {
      case .float32: return try run(adapter, call, as: Float.self)
      case .float64: return try run(adapter, call, as: Double.self)
      case .int64:
        throw LossError(.dtypeMismatch, "dtype: int64 is not a floating dtype")
      }
    } catch {
      return .error(id: c.id, error)
    }
  }

  func run<T: LossScalar>(
    _ adapter: any ReferenceAdapter, _ call: LossCall, as: T.Type
  ) throws(LossError) -> CaseResult {
    let v = try adapter.evaluate(call, as: T.self)
    var grads: [String: AnyTensor] = [:]
    for name in call.testCase.gradWrt {
      guard let g = v.gradients[name] else {
        throw LossError(.invalidOption, "grad_wrt: \(call.spec.name) gives no gradient for '\(name)'")
      }
      grads[name] = AnyTensor(g)
    }
    return CaseResult(
      id: call.testCase.id, outcome: .value(output: AnyTensor(v.value), grads: grads))
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
        id: "", outcome: .error(kind: "invalid_option", message: error.description))
    }
    do {
      return evaluate(try Case(json: json))
    } catch {
      return .error(id: Case.id(of: json), error)
    }
  }
}
