import LossCheck

// Stub: replaced when MarginRankingLoss is implemented.
struct MarginRankingLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: MarginRankingLoss is not implemented yet")
  }
}
