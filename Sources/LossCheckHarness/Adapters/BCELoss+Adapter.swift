import LossCheck

struct BCELossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    var loss = BCELoss(
      weight: try call.weightOption("weight", as: T.self),
      reduction: try call.reduction())
    // PyTorch's Float(1e-12), rounded to the dtype in a half case.
    loss.gradientClamp = call.constantInCaseDType(
      Double(Float.pytorchEpsilon1e12))
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.input("target", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
