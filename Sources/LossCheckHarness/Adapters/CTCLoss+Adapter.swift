import LossCheck

struct CTCLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try CTCLoss(
      blank: call.int("blank"), reduction: call.reduction(),
      zeroInfinity: call.bool("zero_infinity"))
    return try loss.valueWithGradient(
      call.input("log_probs", as: T.self), call.indexInput("targets"),
      inputLengths: call.indexInput("input_lengths"),
      targetLengths: call.indexInput("target_lengths"),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
