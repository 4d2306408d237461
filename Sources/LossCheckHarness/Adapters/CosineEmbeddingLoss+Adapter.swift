import LossCheck

// Stub: replaced when CosineEmbeddingLoss is implemented.
struct CosineEmbeddingLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: CosineEmbeddingLoss is not implemented yet")
  }
}
