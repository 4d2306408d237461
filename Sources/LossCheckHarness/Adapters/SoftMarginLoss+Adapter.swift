import LossCheck

// Stub: replaced when SoftMarginLoss is implemented.
struct SoftMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: SoftMarginLoss is not implemented yet")
  }
}
