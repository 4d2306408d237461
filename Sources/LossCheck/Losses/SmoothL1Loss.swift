/// `torch.nn.SmoothL1Loss(beta: 1)`: with z = |x − t|,
/// ½z²/β where z < β, else z − ½β; elementwise. β == 0 is exactly L1Loss,
/// value and gradient. Input and target broadcast both ways.
///
/// Gradient in x: (x − t)/β where z < β, else sign(x − t) (±1 at z == β);
/// 0 at a tie. At a NaN difference it is NaN for β > 0 but 0 for β == 0
/// (L1's sign), as in PyTorch. The target's gradient is its negation.
/// SmoothL1(β)·β equals Huber(δ = β) up to rounding.
///
/// Refusals: β < 0 or NaN is `invalid_option` (PyTorch checks `beta >= 0`).
public struct SmoothL1Loss: InputTargetLoss {
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// Where the quadratic part turns linear; it must be ≥ 0
  /// (else `invalid_option`); 0 is the L1 loss.
  public var beta: Double

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(reduction: Reduction = .mean, beta: Double = 1) {
    self.reduction = reduction
    self.beta = beta
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("SmoothL1Loss")
    guard beta >= 0 else {
      throw .option("beta: \(beta) is not allowed (expected beta >= 0)")
    }
    if beta == 0 {
      return try L1Loss(reduction: reduction).valueWithGradient(
        input, target, gradOutput: gradOutput, wrt: wrt)
    }
    return try differenceLoss(
      Kernel(beta: T(beta)), input: input, target: target,
      reduction: reduction, gradOutput: gradOutput, wrt: wrt)
  }

  /// β > 0 (β == 0 goes to L1Loss).
  @usableFromInline
  struct Kernel<Scalar: LossScalar>: DifferenceKernel {
    @usableFromInline let beta: Scalar
    /// 2β and β/2 (exact scalings of β).
    @usableFromInline let twoBeta: Scalar
    @usableFromInline let halfBeta: Scalar
    @usableFromInline init(beta: Scalar) {
      self.beta = beta
      twoBeta = 2 * beta
      halfBeta = beta / 2
    }

    @inlinable func value(_ d: Scalar) -> Scalar {
      let z = d.magnitude
      // Computed directly (not as Huber / β), as PyTorch does.
      return z < beta ? z * z / twoBeta : z - halfBeta
    }

    @inlinable func derivative(_ d: Scalar) -> Scalar {
      // |d| >= β > 0 gives ±1; NaN fails every comparison and gives NaN.
      let outer: Scalar = d > 0 ? 1 : (d < 0 ? -1 : .nan)
      return d.magnitude < beta ? d / beta : outer
    }
  }
}
