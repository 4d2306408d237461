/// `torch.nn.HingeEmbeddingLoss`: for target y and input x,
/// y == 1: x; y == −1: max(0, margin − x); any other y (0, 2, NaN, …): both
/// terms, max(0, margin − x) + x.
///
/// Input and target broadcast both ways. The target is a label and gets no
/// gradient. ∂/∂x = [y ≠ −1] − [y ≠ 1 and margin − x > 0]: the hinge passes
/// no gradient at its kink x == margin or where margin − x is NaN (NaN
/// still propagates into the value).
public struct HingeEmbeddingLoss: InputTargetLoss {
  /// The margin (PyTorch's `margin`), a hyper-parameter in `Double`.
  public var margin: Double
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(margin: Double = 1, reduction: Reduction = .mean) {
    self.margin = margin
    self.reduction = reduction
  }

  /// The loss and, as `wrt` asks, the gradients of `input` (the target's
  /// gradient is 0): vector–Jacobian products with `gradOutput` (0-d for a
  /// reduced output, the output's shape for `none`; ones when nil). Arguments
  /// `wrt` names that the loss does not differentiate get no gradient.
  ///
  /// - Throws: `invalid_option` for `batchmean` or a bad option;
  ///   `shape_mismatch` for a `gradOutput` not shaped like the output or an
  ///   input and target that do not broadcast.
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("HingeEmbeddingLoss")
    let shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    let wantX = wrt.contains(.input)
    if wantX {
      try checkGradOutput(gradOutput, outputShape: reduction.outputShape(shape))
    }
    let x = Broadcast.expand(input, to: shape)
    let y = Broadcast.expand(target, to: shape)
    let m = T(margin)
    // One fused pass (Elementwise), branch-free per element so that it
    // vectorizes: with h = max(0, m − x) and a = (m − x > 0),
    //   y == 1:  x,      slope 1
    //   y == −1: h,      slope −[a]
    //   else:    h + x,  slope 1 − [a]
    // and the input's gradient g·slope.
    let (output, (dx, _, _)) = Elementwise.evaluate(
      x, y, wanted: (wantX, false, false), shape: shape, reduction: reduction,
      gradOutput: gradOutput
    ) { b in
      let (x, y, v, g) = (b.a, b.b, b.values, b.cotangents)
      if let dx = b.da {
        for k in 0..<b.count {
          let (value, slope) = HingeEmbeddingLoss.element(x[k], y[k], margin: m)
          v[k] = value
          dx[k] = g[k] * slope
        }
      } else {
        for k in 0..<b.count {
          v[k] = HingeEmbeddingLoss.element(x[k], y[k], margin: m).value
        }
      }
    }
    var result = LossValue(value: output)
    if let dx {
      result.gradients[.input] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    return result
  }

  /// The loss of one element and its slope in x (see the type's
  /// documentation), as selects.
  @inlinable @inline(__always)
  static func element<T: LossScalar>(_ x: T, _ y: T, margin m: T) -> (
    value: T, slope: T
  ) {
    let z = m - x
    let active = hingeIsActive(z)
    let h = hingeValue(z)
    let isPositive = y == 1
    let isNegative = y == -1
    let value = isPositive ? x : (isNegative ? h : h + x)
    let otherSlope: T = active ? 0 : 1
    let negativeSlope: T = active ? -1 : 0
    let slope: T = isPositive ? 1 : (isNegative ? negativeSlope : otherSlope)
    return (value, slope)
  }
}
