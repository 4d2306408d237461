import LossCheck

struct SoftMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    var loss = SoftMarginLoss(reduction: try call.reduction())
    loss.expOverflow = call.halfOverflowThreshold
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.promotedTarget(as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}

extension LossCall {
  /// A target declared with dtype "any" (SoftMargin, MultiLabelSoftMargin):
  /// int64 is promoted to the case dtype, as PyTorch promotes it; a floating
  /// target must have the case dtype (PyTorch would promote the whole
  /// computation to the wider type, which a case with one dtype cannot say).
  func promotedTarget<T: LossScalar>(as: T.Type, _ name: String = "target")
    throws(LossError) -> Tensor<T>
  {
    let t = try anyInput(name)
    if case .int64(let indices) = t {
      return try Tensor(
        shape: indices.shape, scalars: indices.scalars.map { T($0) })
    }
    return try LossCall.typed(t, as: T.self, what: "inputs.\(name)")
  }
}
