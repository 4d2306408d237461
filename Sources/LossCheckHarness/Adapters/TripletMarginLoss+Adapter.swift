import LossCheck

// Stub: replaced when TripletMarginLoss is implemented.
struct TripletMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: TripletMarginLoss is not implemented yet")
  }
}
