import RealModule

/// `torch.nn.SoftMarginLoss`: the two-class logistic loss log(1 + e^(−t·x)).
///
/// Deliberately NOT stabilised, to match PyTorch, which evaluates
/// log1p(exp(−t·x)) literally: once e^(−t·x) overflows (−t·x > 709.78 in
/// Double, > 88.72 in Float) the loss is +inf, and the gradient
/// −t·e^(−t·x) / (1 + e^(−t·x)) is inf/inf = NaN there.
///
/// - Shapes: the target broadcasts to the input (never the other way).
/// - The target gets no gradient: PyTorch refuses a target that requires
///   grad, so asking for one is `invalid_option`.
/// - `mean` divides by the element count.
public struct SoftMarginLoss: Sendable {
  public var reduction: Reduction

  public init(reduction: Reduction = .mean) {
    self.reduction = reduction
  }

  public func callAsFunction<T: LossScalar>(_ input: Tensor<T>, _ target: Tensor<T>) throws(LossError)
    -> Tensor<T>
  {
    try valueWithGradient(input, target, wrt: .none).value
  }

  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input"]
  ) throws(LossError) -> LossValue<T> {
    if wrt.contains("target") {
      throw LossError(
        .invalidOption,
        "grad_wrt: SoftMarginLoss is not differentiable with respect to 'target' (expected only 'input')")
    }
    guard Broadcast.expands(target.shape, to: input.shape) else {
      throw LossError(
        .shapeMismatch,
        "target: shape \(target.shape) does not broadcast to the input's shape \(input.shape) (the target broadcasts to the input, not the other way)"
      )
    }
    let t = Broadcast.expand(target, to: input.shape)
    let n = input.count
    // e^(−t·x), kept: the loss is log1p of it, the gradient a ratio of it.
    var z = [T](repeating: 0, count: n)
    var values = [T](repeating: 0, count: n)
    for i in 0..<n {
      z[i] = T.exp(-(t[i] * input.scalars[i]))  // may overflow to +inf: intended (PyTorch's form)
      values[i] = T.log(onePlus: z[i])
    }
    let output = reduction.apply(values, shape: input.shape)
    var result = LossValue(value: output)
    guard wrt.contains("input") else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    var dx = [T](repeating: 0, count: n)
    for i in 0..<n {
      dx[i] = -g[i] * t[i] * (z[i] / (1 + z[i]))  // inf/inf = NaN past the overflow, as PyTorch
    }
    result.gradients["input"] = Tensor(unchecked: input.shape, dx)
    return result
  }
}
