/// `torch.nn.HingeEmbeddingLoss`: for target y and input x,
/// y == 1: x; y == −1: max(0, margin − x); any other y (0, 2, NaN, …): both
/// terms, max(0, margin − x) + x.
///
/// Input and target broadcast both ways. The target is a label and gets no
/// gradient. ∂/∂x = [y ≠ −1] − [y ≠ 1 and margin − x > 0]: the hinge passes
/// no gradient at its kink x == margin or where margin − x is NaN (NaN
/// still propagates into the value).
public struct HingeEmbeddingLoss: Sendable {
  public var margin: Double
  public var reduction: Reduction

  public init(margin: Double = 1, reduction: Reduction = .mean) {
    self.margin = margin
    self.reduction = reduction
  }

  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input"]
  ) throws(LossError) -> LossValue<T> {
    let shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    let x = Broadcast.expand(input, to: shape)
    let y = Broadcast.expand(target, to: shape)
    let m = T(margin)
    let n = x.count
    var values = [T](repeating: 0, count: n)
    var slopes = [T](repeating: 0, count: n)
    for i in 0..<n {
      switch y[i] {
      case 1:
        values[i] = x[i]
        slopes[i] = 1
      case -1:
        values[i] = hingeValue(m - x[i])
        slopes[i] = hingeIsActive(m - x[i]) ? -1 : 0
      default:
        values[i] = hingeValue(m - x[i]) + x[i]
        slopes[i] = hingeIsActive(m - x[i]) ? 0 : 1
      }
    }
    let output = reduction.apply(values, shape: shape)
    var result = LossValue(value: output)
    guard wrt.contains("input") else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    for i in 0..<n { slopes[i] *= g[i] }
    result.gradients["input"] = Broadcast.sum(slopes, from: shape, to: input.shape)
    return result
  }
}
