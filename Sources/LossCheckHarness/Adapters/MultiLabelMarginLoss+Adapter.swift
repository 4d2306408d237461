import LossCheck

// Stub: replaced when MultiLabelMarginLoss is implemented.
struct MultiLabelMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: MultiLabelMarginLoss is not implemented yet")
  }
}
