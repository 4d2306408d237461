import LossCheck

struct MultiMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    try MultiMarginLoss(
      p: call.int("p"), margin: call.double("margin"),
      weight: call.weightOption("weight", as: T.self),
      reduction: call.reduction()
    ).valueWithGradient(
      call.input("input", as: T.self), call.indexInput("target"),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
