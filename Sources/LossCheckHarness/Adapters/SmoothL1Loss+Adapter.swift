import LossCheck

struct SmoothL1LossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    try SmoothL1Loss(reduction: call.reduction(), beta: call.double("beta"))
      .valueWithGradient(
        call.input("input", as: T.self), call.input("target", as: T.self),
        gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
