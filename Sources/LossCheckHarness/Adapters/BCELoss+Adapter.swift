import LossCheck

struct BCELossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = BCELoss(
      weight: try call.weightOption("weight", as: T.self),
      reduction: try call.reduction())
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.input("target", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
