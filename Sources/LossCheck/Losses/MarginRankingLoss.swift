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
  /// The margin (PyTorch's `margin`), a hyper-parameter in `Double`.
  public var margin: Double
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(margin: Double = 0, reduction: Reduction = .mean) {
    self.margin = margin
    self.reduction = reduction
  }

  /// The loss alone (no gradients): ``valueWithGradient`` with `wrt: .none`.
  ///
  /// - Throws: what ``valueWithGradient`` throws.
  public func callAsFunction<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input1, input2, target, wrt: .none).value
  }

  /// The loss and, as `wrt` asks, the gradients of `input1`, `input2` and
  /// `target`: vector–Jacobian products with `gradOutput` (0-d for a reduced
  /// output, the output's shape for `none`; ones when nil). Arguments `wrt`
  /// names that the loss does not differentiate get no gradient.
  ///
  /// - Throws: `invalid_option` for `batchmean` or a bad option;
  ///   `shape_mismatch` for a `gradOutput` not shaped like the output or
  ///   arguments of different ranks or that do not broadcast.
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>,
    gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input1, .input2, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("MarginRankingLoss")
    guard input1.rank == input2.rank, input1.rank == target.rank else {
      throw .shape(
        "input1 \(input1.shape), input2 \(input2.shape), target \(target.shape): "
          + "expected the same number of dimensions")
    }
    let shape = try Broadcast.shape(
      [input1.shape, input2.shape, target.shape],
      names: ["input1", "input2", "target"])
    let want1 = wrt.contains(.input1)
    let want2 = wrt.contains(.input2)
    let wantY = wrt.contains(.target)
    let wantAny = want1 || want2 || wantY
    if wantAny {
      try checkGradOutput(gradOutput, outputShape: reduction.outputShape(shape))
    }
    let a = Broadcast.expand(input1, to: shape)
    let b = Broadcast.expand(input2, to: shape)
    let y = Broadcast.expand(target, to: shape)
    let m = T(margin)
    // One fused pass (Elementwise): z = m − y·(a − b), the hinge of z into
    // the reduction, and with gz = g where z > 0 (else 0) the gradients
    // −y·gz, y·gz and −(a − b)·gz.
    let (output, (d1, d2, dy)) = Elementwise.evaluate(
      a, b, y, wanted: (want1, want2, wantY), shape: shape,
      reduction: reduction,
      gradOutput: gradOutput
    ) { block in
      let (a, b, v, g, count) = (
        block.a, block.b, block.values, block.cotangents, block.count
      )
      guard let y = block.c else { return }
      if let d1 = block.da, let d2 = block.db, block.dc == nil {
        // The common case: both inputs, not the target.
        for k in 0..<count {
          let z = m - y[k] * (a[k] - b[k])
          v[k] = hingeValue(z)
          let gz: T = hingeIsActive(z) ? g[k] : 0
          d1[k] = -(y[k] * gz)
          d2[k] = y[k] * gz
        }
        return
      }
      let (d1, d2, dy) = (block.da, block.db, block.dc)
      for k in 0..<count {
        let diff = a[k] - b[k]
        let z = m - y[k] * diff
        v[k] = hingeValue(z)
        let gz: T = hingeIsActive(z) ? g[k] : 0
        d1?[k] = -(y[k] * gz)
        d2?[k] = y[k] * gz
        dy?[k] = -(diff * gz)
      }
    }
    var result = LossValue(value: output)
    if let d1 {
      result.gradients[.input1] = Broadcast.sum(
        d1, from: shape, to: input1.shape)
    }
    if let d2 {
      result.gradients[.input2] = Broadcast.sum(
        d2, from: shape, to: input2.shape)
    }
    if let dy {
      result.gradients[.target] = Broadcast.sum(
        dy, from: shape, to: target.shape)
    }
    return result
  }
}
