import LossCheck

// Stub: replaced when MSELoss is implemented.
struct MSELossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: MSELoss is not implemented yet")
  }
}
