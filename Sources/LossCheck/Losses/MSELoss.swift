/// `torch.nn.MSELoss`: the squared error (x − t)², elementwise.
///
/// Input and target broadcast both ways (shapes that cannot broadcast are
/// `shape_mismatch`). The gradient in x is 2(x − t), the target's its
/// negation; NaN and inf propagate (inf − inf is NaN). `mean` divides by
/// the element count of the broadcast shape.
public struct MSELoss: InputTargetLoss {
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
    try reduction.requireStandard("MSELoss")
    return try differenceLoss(
      Kernel<T>(), input: input, target: target, reduction: reduction,
      gradOutput: gradOutput, wrt: wrt)
  }

  @usableFromInline
  struct Kernel<Scalar: LossScalar>: DifferenceKernel {
    @usableFromInline init() {}
    @inlinable func value(_ d: Scalar) -> Scalar { d * d }
    @inlinable func derivative(_ d: Scalar) -> Scalar { d + d }
  }
}
