import LossCheck

struct TripletMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try TripletMarginLoss(
      margin: call.double("margin"), p: call.double("p"),
      eps: call.double("eps"),
      swap: call.bool("swap"), reduction: call.reduction())
    return try loss.valueWithGradient(
      call.input("anchor", as: T.self), call.input("positive", as: T.self),
      call.input("negative", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
