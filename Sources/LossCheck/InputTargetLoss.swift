/// A loss of a floating `input` and a floating `target` in the same type:
/// L1, MSE, Huber, SmoothL1, PoissonNLL, KLDiv, BCE, BCEWithLogits,
/// SoftMargin, MultiLabelSoftMargin and HingeEmbedding.
///
/// Generic code can take any of them (`func fit<L: InputTargetLoss>(…)`),
/// and each gets ``callAsFunction(_:_:)`` (the forward pass) from here.
/// Each conforming loss documents its shapes, domain and refusals.
public protocol InputTargetLoss: Sendable {
  /// The loss of `input` against `target` and the gradients `wrt` asks
  /// for, contracted with `gradOutput` (ones when nil).
  ///
  /// - Throws: ``LossError``, as the conforming loss documents.
  func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>?,
    wrt: GradientRequest
  ) throws(LossError) -> LossValue<T>
}

extension InputTargetLoss {
  /// The loss alone (no gradients): `valueWithGradient` with `wrt: .none`.
  ///
  /// - Throws: what `valueWithGradient` throws.
  @inlinable
  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, gradOutput: nil, wrt: .none).value
  }
}
