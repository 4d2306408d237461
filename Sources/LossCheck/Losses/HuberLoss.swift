/// `torch.nn.HuberLoss(delta: 1)`: with z = |x − t|,
/// ½z² where z < δ, else δ(z − ½δ); elementwise.
///
/// Computed here as m·(z − ½m) with m = min(z, δ), which is the same
/// function (and the same rounding: z/2 is exact). Input and target
/// broadcast both ways.
///
/// Gradient in x: clamp(x − t, −δ, δ). At |x − t| == δ that is ±δ (the
/// linear branch, as PyTorch); at a tie 0; at a NaN difference NaN. The
/// target's gradient is its negation.
///
/// Refusals: δ ≤ 0 or NaN is `invalid_option` (PyTorch checks `delta > 0`).
/// HuberLoss has no `size_average`/`reduce`.
public struct HuberLoss: InputTargetLoss {
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// Where the quadratic part turns linear; it must be > 0
  /// (else `invalid_option`).
  public var delta: Double

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(reduction: Reduction = .mean, delta: Double = 1) {
    self.reduction = reduction
    self.delta = delta
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("HuberLoss")
    guard delta > 0 else {
      throw .option("delta: \(delta) is not allowed (expected delta > 0)")
    }
    return try differenceLoss(
      Kernel(delta: T(delta)), input: input, target: target,
      reduction: reduction, gradOutput: gradOutput, wrt: wrt)
  }

  @usableFromInline
  struct Kernel<Scalar: LossScalar>: DifferenceKernel {
    @usableFromInline let delta: Scalar
    @usableFromInline init(delta: Scalar) { self.delta = delta }

    /// m·(z − m/2) with m = min(z, δ); a NaN z gives m = NaN, so NaN.
    @inlinable func value(_ d: Scalar) -> Scalar {
      let z = d.magnitude
      let m = delta < z ? delta : z
      return m * (z - m / 2)
    }

    /// clamp(d, −δ, δ), written so that a NaN d falls through both
    /// comparisons and stays NaN.
    @inlinable func derivative(_ d: Scalar) -> Scalar {
      let upper = delta < d ? delta : d
      return upper < -delta ? -delta : upper
    }
  }
}
