import LossCheck

struct MarginRankingLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    try MarginRankingLoss(
      margin: call.double("margin"), reduction: call.reduction()
    )
    .valueWithGradient(
      call.input("input1", as: T.self), call.input("input2", as: T.self),
      call.input("target", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
