import LossCheck

struct NLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try NLLLoss(
      weight: call.weightOption("weight", as: T.self),
      ignoreIndex: call.int("ignore_index"),
      reduction: call.reduction())
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.indexInput("target"),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
