import LossCheck

struct KLDivLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let reduction = try call.reduction()
    return try KLDivLoss(
      reduction: reduction, logTarget: call.bool("log_target")
    )
    .valueWithGradient(
      call.input("input", as: T.self), call.input("target", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
