import LossCheck

// Stub: replaced when GaussianNLLLoss is implemented.
struct GaussianNLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: GaussianNLLLoss is not implemented yet")
  }
}
