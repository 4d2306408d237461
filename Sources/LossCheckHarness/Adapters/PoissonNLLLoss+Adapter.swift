import LossCheck

struct PoissonNLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try PoissonNLLLoss(
      reduction: call.reduction(), logInput: call.bool("log_input"),
      full: call.bool("full"), eps: call.constantInCaseDType(call.double("eps"))
    )
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.input("target", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
