/// `torch.nn.L1Loss`: the absolute error |x − t|, elementwise.
///
/// Input and target broadcast both ways. The gradient in x is sign(x − t),
/// with sign(0) = 0 (a tie gets no gradient) and 0 where x − t is NaN; the
/// target's gradient is its negation. `mean` divides by the element count.
public struct L1Loss: InputTargetLoss {
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(reduction: Reduction = .mean) {
    self.reduction = reduction
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("L1Loss")
    return try differenceLoss(
      Kernel<T>(), input: input, target: target, reduction: reduction,
      gradOutput: gradOutput, wrt: wrt)
  }

  @usableFromInline
  struct Kernel<Scalar: LossScalar>: DifferenceKernel {
    @usableFromInline init() {}
    @inlinable func value(_ d: Scalar) -> Scalar { d.magnitude }
    /// sign(d), 0 at a tie and at NaN (both comparisons false).
    @inlinable func derivative(_ d: Scalar) -> Scalar {
      d > 0 ? 1 : (d < 0 ? -1 : 0)
    }
  }
}
