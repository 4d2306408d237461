import LossCheck

// Stub: replaced when TripletMarginWithDistanceLoss is implemented.
struct TripletMarginWithDistanceLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: TripletMarginWithDistanceLoss is not implemented yet")
  }
}
