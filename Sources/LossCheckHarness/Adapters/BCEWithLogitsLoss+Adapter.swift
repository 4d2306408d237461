import LossCheck

// Stub: replaced when BCEWithLogitsLoss is implemented.
struct BCEWithLogitsLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: BCEWithLogitsLoss is not implemented yet")
  }
}
