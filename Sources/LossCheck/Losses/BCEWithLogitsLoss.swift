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
public struct BCEWithLogitsLoss: InputTargetLoss {
  /// Class or element weights, or nil for none.
  ///
  /// Weights are hyper-parameters like `margin`, so they are `Double` for every
  /// loss, whatever the computation's type; a call in `Float` rounds them to
  /// `Float` first, as PyTorch holds them in the input's dtype.
  public var weight: Tensor<Double>?
  /// Weights of the positive term, or nil; broadcast against the input's
  /// *last* dimension, as PyTorch does. `Double` like `weight`.
  public var posWeight: Tensor<Double>?
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    weight: Tensor<Double>? = nil, posWeight: Tensor<Double>? = nil,
    reduction: Reduction = .mean
  ) {
    self.weight = weight
    self.posWeight = posWeight
    self.reduction = reduction
  }

  /// The loss and, as `wrt` asks, the gradients of `input` and `target`:
  /// vector–Jacobian products with `gradOutput` (0-d for a reduced output, the
  /// output's shape for `none`; ones when nil). Arguments `wrt` names that the
  /// loss does not differentiate get no gradient.
  ///
  /// - Throws: `invalid_option` for `batchmean` or a bad option;
  ///   `shape_mismatch` for a `gradOutput` not shaped like the output or a
  ///   target, `weight` or `posWeight` that does not fit the input.
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("BCEWithLogitsLoss")
    let weight = self.weight?.converted(to: T.self)
    let posWeight = self.posWeight?.converted(to: T.self)
    try Logistic.requireSameShape(input, target, loss: "BCEWithLogitsLoss")
    let pw = try Logistic.periodicOption(
      posWeight, named: "pos_weight", at: input.shape)
    let w = try Logistic.periodicOption(
      weight, named: "weight", at: input.shape)
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    if wantX || wantT {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(input.shape))
    }
    // One fused pass (Elementwise): per block, e = exp(−|x|) and
    // L = log1p(e) give the value and both gradients.
    let (output, (dx, dt, _)) = Elementwise.evaluate(
      input.scalars, target.scalars, wanted: (wantX, wantT, false),
      shape: input.shape, reduction: reduction, gradOutput: gradOutput
    ) { b in
      let (x, t, v, gb, count) = (b.a, b.b, b.values, b.cotangents, b.count)
      let range = b.start..<b.start + count
      // Scratch: e, the weights, the pos_weights, and sinks for gradients
      // not asked for, so that the loops below have no optionals and
      // vectorize.
      withUnsafeTemporaryAllocation(of: T.self, capacity: 5 * count) { buffer in
        guard let e = buffer.baseAddress else { return }
        let (wb, pb) = (e + count, e + 2 * count)
        let dx = b.da ?? e + 3 * count
        let dt = b.db ?? e + 4 * count
        w.gather(range, into: wb)
        logisticBlock(x, count, e: e, l: v)
        if let pw {
          pw.gather(range, into: pb)
          for i in 0..<count {
            let (xi, ti, p, l) = (x[i], t[i], pb[i], v[i])
            let negLogSigmoid = positivePart(-xi) + l
            let scale = gb[i] * wb[i]
            dx[i] =
              scale
              * (sigmoid(xi, fromExpOfMinusAbs: e[i]) * (1 + (p - 1) * ti) - p
                * ti)
            dt[i] = scale * (p * negLogSigmoid - (positivePart(xi) + l))
            v[i] = wb[i] * ((1 - ti) * xi + (1 + (p - 1) * ti) * negLogSigmoid)
          }
        } else {
          for i in 0..<count {
            let (xi, ti, l) = (x[i], t[i], v[i])
            let scale = gb[i] * wb[i]
            dx[i] = scale * (sigmoid(xi, fromExpOfMinusAbs: e[i]) - ti)
            dt[i] = scale * -xi
            v[i] = wb[i] * ((1 - ti) * xi + 1 * (positivePart(-xi) + l))
          }
        }
      }
    }
    var result = LossValue(value: output)
    if let dx { result.gradients[.input] = Tensor(unchecked: input.shape, dx) }
    if let dt { result.gradients[.target] = Tensor(unchecked: input.shape, dt) }
    return result
  }
}
