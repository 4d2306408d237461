import LossCheck

// Stub: replaced when PoissonNLLLoss is implemented.
struct PoissonNLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: PoissonNLLLoss is not implemented yet")
  }
}
