import RealModule

/// `torch.nn.BCELoss`: binary cross-entropy on probabilities,
///
///     ℓ = −w · (t · max(log x, −100) + (1 − t) · max(log(1 − x), −100))
///
/// - Shapes: target exactly the input's shape; `weight` broadcasts to the
///   input without enlarging it.
/// - Domain: every x and t in [0, 1]; anything else, NaN included, is
///   `value_out_of_domain` (checked element by element, input first).
/// - Gradients: ∂/∂x = g·w·(x − t) / max(x(1 − x), ε) with ε = Float(1e-12)
///   (PyTorch's float32 constant, also in Double), so x ∈ {0, 1} gets a
///   finite gradient of about ±1e12 when t differs; ∂/∂t =
///   g·w·(log(1 − x) − log x), not clamped: ±inf at x ∈ {0, 1}.
/// - `mean` divides by the element count, weighted or not.
public struct BCELoss<T: LossScalar>: Sendable {
  public var weight: Tensor<T>?
  public var reduction: Reduction

  public init(weight: Tensor<T>? = nil, reduction: Reduction = .mean) {
    self.weight = weight
    self.reduction = reduction
  }

  public func callAsFunction(_ input: Tensor<T>, _ target: Tensor<T>) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input", "target"]
  ) throws(LossError) -> LossValue<T> {
    try Logistic.requireSameShape(input, target, loss: "BCELoss")
    if let weight {
      // PyTorch expands the weight against the target first ...
      _ = try Broadcast.shape([target.shape, weight.shape], names: ["target", "weight"])
    }
    // ... checks the values ...
    for (x, t) in zip(input.scalars, target.scalars) {
      guard x >= 0 && x <= 1 else {
        throw LossError(.valueOutOfDomain, "input: every element must lie in [0, 1], found \(x)")
      }
      guard t >= 0 && t <= 1 else {
        throw LossError(.valueOutOfDomain, "target: every element must lie in [0, 1], found \(t)")
      }
    }
    // ... and multiplies it into the loss in place (it may not enlarge it).
    let w = try Logistic.option(weight, named: "weight", at: input.shape)
    let n = input.count
    let floor: T = -100
    var values = [T](repeating: 0, count: n)
    for i in 0..<n {
      let x = input.scalars[i]
      let t = target.scalars[i]
      let logP = Swift.max(T.log(x), floor)
      let logQ = Swift.max(T.log(onePlus: -x), floor)
      // t·(−log p) + (1 − t)·(−log q), weighted.
      values[i] = (w?[i] ?? 1) * (t * -logP + (1 - t) * -logQ)
    }
    let output = reduction.apply(values, shape: input.shape)
    var result = LossValue(value: output)
    let wantX = wrt.contains("input")
    let wantT = wrt.contains("target")
    guard wantX || wantT else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    let eps = T.pytorchEpsilon1e12
    var dx = [T](repeating: 0, count: wantX ? n : 0)
    var dt = [T](repeating: 0, count: wantT ? n : 0)
    for i in 0..<n {
      let x = input.scalars[i]
      let scale = g[i] * (w?[i] ?? 1)
      if wantX {
        dx[i] = scale * (x - target.scalars[i]) / Swift.max(x * (1 - x), eps)
      }
      if wantT {
        dt[i] = scale * (T.log(onePlus: -x) - T.log(x))
      }
    }
    if wantX { result.gradients["input"] = Tensor(unchecked: input.shape, dx) }
    if wantT { result.gradients["target"] = Tensor(unchecked: input.shape, dt) }
    return result
  }
}
