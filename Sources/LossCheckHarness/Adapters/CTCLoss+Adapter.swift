import LossCheck

// Stub: replaced when CTCLoss is implemented.
struct CTCLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: CTCLoss is not implemented yet")
  }
}
