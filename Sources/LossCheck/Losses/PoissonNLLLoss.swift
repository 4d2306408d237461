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
public struct PoissonNLLLoss: InputTargetLoss {
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// Whether the input holds log-rates (else rates).
  public var logInput: Bool
  /// Whether Stirling's approximation of log(t!) is added (where t > 1).
  public var full: Bool
  /// Added to a rate before its log when `logInput` is false.
  public var eps: Double

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    reduction: Reduction = .mean, logInput: Bool = true, full: Bool = false,
    eps: Double = 1e-8
  ) {
    self.reduction = reduction
    self.logInput = logInput
    self.full = full
    self.eps = eps
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("PoissonNLLLoss")
    let shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    if wantX || wantT {
      try checkGradOutput(gradOutput, outputShape: reduction.outputShape(shape))
    }
    let x = Broadcast.expand(input, to: shape)
    let t = Broadcast.expand(target, to: shape)
    let (output, (dx, dt, _)) = Elementwise.evaluate(
      x, t, wanted: (wantX, wantT, false), shape: shape, reduction: reduction,
      gradOutput: gradOutput
    ) { b in
      block(
        x: b.a, t: b.b, count: b.count, values: b.values,
        cotangents: b.cotangents,
        dx: b.da, dt: b.db)
    }
    var result = LossValue(value: output)
    if let dx {
      result.gradients[.input] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    if let dt {
      result.gradients[.target] = Broadcast.sum(
        dt, from: shape, to: target.shape)
    }
    return result
  }

  /// One block of the fused pass: the losses of `count` elements into
  /// `values` and, where the pointers are given, the gradients times the
  /// cotangents `g`.
  ///
  /// The exp (logInput) or log (not) of the whole block is taken first, in
  /// `values`, with the vectorized kernels; the loss and the gradients are
  /// then one loop over the block.
  @inlinable
  func block<T: LossScalar>(
    x: UnsafePointer<T>, t: UnsafePointer<T>, count: Int,
    values v: UnsafeMutablePointer<T>, cotangents g: UnsafePointer<T>,
    dx: UnsafeMutablePointer<T>?, dt: UnsafeMutablePointer<T>?
  ) {
    let out = UnsafeMutableBufferPointer(start: v, count: count)
    if logInput {
      // rate = e^x
      T.vexp(UnsafeBufferPointer(start: x, count: count), into: out)
      if !full, dt == nil {
        // The common case: exp(x) − t·x, ∂x = g·(exp(x) − t).
        if let dx {
          for k in 0..<count {
            let rate = v[k]
            v[k] = rate - t[k] * x[k]
            dx[k] = g[k] * (rate - t[k])
          }
        } else {
          for k in 0..<count { v[k] = v[k] - t[k] * x[k] }
        }
        return
      }
    } else {
      let e = T(eps)  // PyTorch adds eps in the tensor's dtype
      for k in 0..<count { v[k] = x[k] + e }
      T.vlog(inPlace: out)  // log rate = log(x + eps)
    }
    let e = T(eps)
    let halfLog2Pi = T.log(2 * T.pi) / 2
    for k in 0..<count {
      let xi = x[k]
      let ti = t[k]
      var value: T
      var slopeX: T
      var slopeT: T
      if logInput {
        let rate = v[k]
        value = rate - ti * xi
        slopeX = rate - ti
        slopeT = -xi
      } else {
        let logRate = v[k]
        value = xi - ti * logRate
        slopeX = 1 - ti / (xi + e)
        slopeT = -logRate
      }
      if full {
        if !(ti <= 1) {
          // t(log t − 1) + ½(log 2π + log t): Stirling, t > 1 or NaN.
          let lt = T.log(ti)
          value += ti * (lt - 1) + (halfLog2Pi + lt / 2)
        }
        slopeT += stirlingTargetDerivative(ti)
      }
      v[k] = value
      dx?[k] = g[k] * slopeX
      dt?[k] = g[k] * slopeT
    }
  }

  /// The t derivative of the masked Stirling term as PyTorch's autograd
  /// produces it (see the type's documentation).
  @inlinable
  func stirlingTargetDerivative<T: LossScalar>(_ t: T) -> T {
    if t > 1 && t.isFinite { return T.log(t) + 1 / (2 * t) }
    if t > 0 && t <= 1 { return 0 }
    return .nan  // t ≤ 0, t = +inf, NaN
  }
}
