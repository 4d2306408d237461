import LossCheck

// The mapping between the case schema's names and the library's typed
// arguments, shared by every adapter and by the reference backend.

extension LossCall {
  /// The gradients the case asks for (`grad_wrt`), as library arguments.
  ///
  /// ``LossCall/init(_:spec:)`` has already refused a name that is not a
  /// floating input of the loss, and every floating input of every loss is
  /// a ``LossInput``, so no name is dropped here.
  public var wrt: GradientRequest {
    GradientRequest(
      Set(testCase.gradWrt.compactMap(LossInput.init(pytorchName:))))
  }

  /// A weight option (`weight`, `pos_weight`) given in the case dtype `T`,
  /// widened to the `Tensor<Double>` the library's losses take (exact:
  /// float32 and float64 values are all doubles), or nil when unset. A
  /// weight of the other floating dtype is `dtype_mismatch`, as PyTorch
  /// refuses it.
  public func weightOption<T: LossScalar>(_ name: String, as: T.Type)
    throws(LossError) -> Tensor<Double>?
  {
    guard let w = try tensorOption(name, as: T.self) else { return nil }
    return try Tensor(shape: w.shape, scalars: w.scalars.map { Double($0) })
  }
}

extension LossValue {
  /// The gradient the case schema names `name` (`"var"`, `"log_probs"`),
  /// or nil when there is none or no argument has that name.
  public func gradient(named name: String) -> Tensor<T>? {
    LossInput(pytorchName: name).flatMap { gradients[$0] }
  }
}
