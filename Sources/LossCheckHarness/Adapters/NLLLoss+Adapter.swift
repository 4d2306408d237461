import LossCheck

// Stub: replaced when NLLLoss is implemented.
struct NLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: NLLLoss is not implemented yet")
  }
}
