import RealModule

/// `torch.nn.PoissonNLLLoss(logInput: true, full: false, eps: 1e-8)`: the
/// negative log likelihood of a Poisson target, elementwise; input and
/// target broadcast both ways.
///
///     logInput:      exp(x) − t·x          ∂x = exp(x) − t          ∂t = −x
///     not logInput:  x − t·log(x + eps)    ∂x = 1 − t/(x + eps)     ∂t = −log(x + eps)
///
/// `full` adds Stirling's approximation of log(t!),
/// t·log t − t + ½·log(2πt), where t > 1 only (0 where t ≤ 1, t == 1
/// included; a NaN target is not masked and gives NaN). It has no x
/// gradient. Its t gradient is log t + 1/(2t) where t > 1 is finite; where
/// it is masked PyTorch still back-propagates a zero through
/// t·log t and log(2πt), which is 0 for 0 < t ≤ 1 but NaN for t ≤ 0
/// (0·(−inf), 0/0) and at t = +inf; we match that.
///
/// No domain checks (as PyTorch): a negative x with `logInput` off gives
/// NaN; `eps` is not validated. `'elementwise_mean'` is refused.
public struct PoissonNLLLoss: Sendable {
  public var reduction: Reduction
  public var logInput: Bool
  public var full: Bool
  public var eps: Double

  public init(
    reduction: Reduction = .mean, logInput: Bool = true, full: Bool = false,
    eps: Double = 1e-8
  ) {
    self.reduction = reduction
    self.logInput = logInput
    self.full = full
    self.eps = eps
  }

  /// The loss.
  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input", "target"]
  ) throws(LossError) -> LossValue<T> {
    let shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    let x = Broadcast.expand(input, to: shape)
    let t = Broadcast.expand(target, to: shape)
    let n = x.count
    let e = T(eps)  // PyTorch adds eps in the tensor's dtype
    let halfLog2Pi = T.log(2 * T.pi) / 2
    var values = [T](repeating: 0, count: n)
    var dx = [T](repeating: 0, count: n)
    var dt = [T](repeating: 0, count: n)
    for i in 0..<n {
      let xi = x[i]
      let ti = t[i]
      var v: T
      if logInput {
        let rate = T.exp(xi)
        v = rate - ti * xi
        dx[i] = rate - ti
        dt[i] = -xi
      } else {
        let logRate = T.log(xi + e)
        v = xi - ti * logRate
        dx[i] = 1 - ti / (xi + e)
        dt[i] = -logRate
      }
      if full {
        if !(ti <= 1) {
          // t(log t − 1) + ½(log 2π + log t): Stirling, t > 1 or NaN.
          let lt = T.log(ti)
          v += ti * (lt - 1) + (halfLog2Pi + lt / 2)
        }
        dt[i] += stirlingTargetDerivative(ti)
      }
      values[i] = v
    }
    let output = reduction.apply(values, shape: shape)
    var result = LossValue(value: output)
    guard wrt.contains("input") || wrt.contains("target") else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    if wrt.contains("input") {
      result.gradients["input"] = Broadcast.sum(
        (0..<n).map { g[$0] * dx[$0] }, from: shape, to: input.shape)
    }
    if wrt.contains("target") {
      result.gradients["target"] = Broadcast.sum(
        (0..<n).map { g[$0] * dt[$0] }, from: shape, to: target.shape)
    }
    return result
  }

  /// The t derivative of the masked Stirling term as PyTorch's autograd
  /// produces it (see the type's documentation).
  func stirlingTargetDerivative<T: LossScalar>(_ t: T) -> T {
    if t > 1 && t.isFinite { return T.log(t) + 1 / (2 * t) }
    if t > 0 && t <= 1 { return 0 }
    return .nan  // t ≤ 0, t = +inf, NaN
  }
}
