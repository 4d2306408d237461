import LossCheck

// Stub: replaced when SmoothL1Loss is implemented.
struct SmoothL1LossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: SmoothL1Loss is not implemented yet")
  }
}
