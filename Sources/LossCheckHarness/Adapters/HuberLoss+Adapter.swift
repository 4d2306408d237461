import LossCheck

// Stub: replaced when HuberLoss is implemented.
struct HuberLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: HuberLoss is not implemented yet")
  }
}
