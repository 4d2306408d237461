import LossCheck

// Stub: replaced when MultiMarginLoss is implemented.
struct MultiMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: MultiMarginLoss is not implemented yet")
  }
}
