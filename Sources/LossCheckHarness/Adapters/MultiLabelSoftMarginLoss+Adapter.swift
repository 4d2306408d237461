import LossCheck

// Stub: replaced when MultiLabelSoftMarginLoss is implemented.
struct MultiLabelSoftMarginLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    throw LossError(.invalidOption, "loss: MultiLabelSoftMarginLoss is not implemented yet")
  }
}
