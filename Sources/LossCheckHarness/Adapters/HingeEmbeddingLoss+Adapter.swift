import LossCheck

// Stub: replaced when HingeEmbeddingLoss is implemented.
struct HingeEmbeddingLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: HingeEmbeddingLoss is not implemented yet")
  }
}
