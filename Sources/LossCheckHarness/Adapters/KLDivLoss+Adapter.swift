import LossCheck

// Stub: replaced when KLDivLoss is implemented.
struct KLDivLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: KLDivLoss is not implemented yet")
  }
}
