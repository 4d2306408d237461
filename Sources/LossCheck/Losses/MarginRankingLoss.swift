/// `torch.nn.MarginRankingLoss`: max(0, −y·(x1 − x2) + margin), elementwise.
///
/// `input1`, `input2` and `target` must have the same rank (else
/// `shape_mismatch`); their shapes then broadcast. Targets are not
/// validated: any real y scales the hinge. With z = margin − y·(x1 − x2),
/// the gradients on the active set z > 0 are
/// ∂/∂x1 = −y, ∂/∂x2 = y, ∂/∂y = −(x1 − x2), times the cotangent; off it
/// (the kink z == 0, z < 0, NaN) the cotangent is 0 and the products are
/// IEEE, as in PyTorch's autograd (so 0·∞ in the target's gradient is NaN).
/// Each gradient is summed back to its input's shape.
public struct MarginRankingLoss: Sendable {
  public var margin: Double
  public var reduction: Reduction

  public init(margin: Double = 0, reduction: Reduction = .mean) {
    self.margin = margin
    self.reduction = reduction
  }

  public func callAsFunction<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input1, input2, target, wrt: .none).value
  }

  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>,
    gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input1", "input2", "target"]
  ) throws(LossError) -> LossValue<T> {
    guard input1.rank == input2.rank, input1.rank == target.rank else {
      throw .shape(
        "input1 \(input1.shape), input2 \(input2.shape), target \(target.shape): "
          + "expected the same number of dimensions")
    }
    let shape = try Broadcast.shape(
      [input1.shape, input2.shape, target.shape],
      names: ["input1", "input2", "target"])
    let a = Broadcast.expand(input1, to: shape)
    let b = Broadcast.expand(input2, to: shape)
    let y = Broadcast.expand(target, to: shape)
    let m = T(margin)
    let n = a.count
    var values = [T](repeating: 0, count: n)
    for i in 0..<n { values[i] = hingeValue(m - y[i] * (a[i] - b[i])) }
    let output = reduction.apply(values, shape: shape)
    var result = LossValue(value: output)
    guard wrt.contains("input1") || wrt.contains("input2") || wrt.contains("target")
    else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    var d1 = [T](repeating: 0, count: n)
    var d2 = [T](repeating: 0, count: n)
    var dy = [T](repeating: 0, count: n)
    for i in 0..<n {
      let diff = a[i] - b[i]
      let gz: T = hingeIsActive(m - y[i] * diff) ? g[i] : 0
      d1[i] = -(y[i] * gz)
      d2[i] = y[i] * gz
      dy[i] = -(diff * gz)
    }
    if wrt.contains("input1") {
      result.gradients["input1"] = Broadcast.sum(d1, from: shape, to: input1.shape)
    }
    if wrt.contains("input2") {
      result.gradients["input2"] = Broadcast.sum(d2, from: shape, to: input2.shape)
    }
    if wrt.contains("target") {
      result.gradients["target"] = Broadcast.sum(dy, from: shape, to: target.shape)
    }
    return result
  }
}
