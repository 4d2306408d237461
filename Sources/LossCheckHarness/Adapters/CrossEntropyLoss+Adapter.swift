import LossCheck

// Stub: replaced when CrossEntropyLoss is implemented.
struct CrossEntropyLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: CrossEntropyLoss is not implemented yet")
  }
}
