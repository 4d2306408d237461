import LossCheck

struct GaussianNLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try GaussianNLLLoss(
      reduction: call.reduction(), full: call.bool("full"),
      eps: call.double("eps"))
    let input = try call.input("input", as: T.self)
    let target = try call.input("target", as: T.self)
    let g = try call.gradOutput(as: T.self)
    // A plain JSON number is a Python float var: broadcast to the input,
    // no gradient (not the same as a 0-d tensor, whose shape rules differ).
    if let number = call.numberInput("var") {
      return try loss.valueWithGradient(
        input, target, variance: number, gradOutput: g, wrt: call.wrt)
    }
    return try loss.valueWithGradient(
      input, target, call.input("var", as: T.self), gradOutput: g, wrt: call.wrt
    )
  }
}
