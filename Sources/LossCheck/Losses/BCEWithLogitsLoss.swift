import RealModule

/// `torch.nn.BCEWithLogitsLoss`: binary cross-entropy on logits,
///
///     ℓ = w · ((1 − t)·x + (1 + (pw − 1)·t) · softplus(−x)),
///
/// softplus(−x) = −log σ(x) = max(−x, 0) + log1p(e^−|x|), finite for every
/// finite x, so logits of ±100 or ±1000 are exact. The products are formed
/// as PyTorch forms them, so the non-finite cases agree: x = +inf with
/// t = 1 is 0·inf = NaN, and x = −inf is NaN for every t.
///
/// - Shapes: target exactly the input's shape (not range checked); `weight`
///   and `posWeight` broadcast to the input without enlarging it, so
///   `posWeight` aligns with the *last* dimension (PyTorch #27936).
/// - `mean` divides by the element count even when weighted (#54843).
/// - Gradients: ∂/∂x = g·w·(σ(x)·(1 + (pw − 1)t) − pw·t);
///   ∂/∂t = g·w·(pw·softplus(−x) − softplus(x)) with `posWeight`, and
///   g·w·(−x) without (PyTorch's two forms: they differ at x = −inf, pw = 1).
public struct BCEWithLogitsLoss<T: LossScalar>: Sendable {
  public var weight: Tensor<T>?
  public var posWeight: Tensor<T>?
  public var reduction: Reduction

  public init(weight: Tensor<T>? = nil, posWeight: Tensor<T>? = nil, reduction: Reduction = .mean) {
    self.weight = weight
    self.posWeight = posWeight
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
    try Logistic.requireSameShape(input, target, loss: "BCEWithLogitsLoss")
    let pw = try Logistic.option(posWeight, named: "pos_weight", at: input.shape)
    let w = try Logistic.option(weight, named: "weight", at: input.shape)
    let n = input.count
    var values = [T](repeating: 0, count: n)
    for i in 0..<n {
      let x = input.scalars[i]
      let t = target.scalars[i]
      let negLogSigmoid = Logistic.softplus(-x)
      let positive = pw.map { 1 + ($0[i] - 1) * t } ?? 1
      values[i] = (w?[i] ?? 1) * ((1 - t) * x + positive * negLogSigmoid)
    }
    let output = reduction.apply(values, shape: input.shape)
    var result = LossValue(value: output)
    let wantX = wrt.contains("input")
    let wantT = wrt.contains("target")
    guard wantX || wantT else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    var dx = [T](repeating: 0, count: wantX ? n : 0)
    var dt = [T](repeating: 0, count: wantT ? n : 0)
    for i in 0..<n {
      let x = input.scalars[i]
      let t = target.scalars[i]
      let scale = g[i] * (w?[i] ?? 1)
      if let pw {
        let p = pw[i]
        if wantX { dx[i] = scale * (Logistic.sigmoid(x) * (1 + (p - 1) * t) - p * t) }
        if wantT { dt[i] = scale * (p * Logistic.softplus(-x) - Logistic.softplus(x)) }
      } else {
        if wantX { dx[i] = scale * (Logistic.sigmoid(x) - t) }
        if wantT { dt[i] = scale * -x }
      }
    }
    if wantX { result.gradients["input"] = Tensor(unchecked: input.shape, dx) }
    if wantT { result.gradients["target"] = Tensor(unchecked: input.shape, dt) }
    return result
  }
}
