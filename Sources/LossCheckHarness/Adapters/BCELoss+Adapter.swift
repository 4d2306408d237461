import LossCheck

// Stub: replaced when BCELoss is implemented.
struct BCELossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: BCELoss is not implemented yet")
  }
}
