import LossCheck

struct MSELossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    try MSELoss(reduction: call.reduction()).valueWithGradient(
      call.input("input", as: T.self), call.input("target", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
