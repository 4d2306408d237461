import LossCheck

struct MultiLabelMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    try MultiLabelMarginLoss(reduction: call.reduction()).valueWithGradient(
      call.input("input", as: T.self), call.indexInput("target"),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
