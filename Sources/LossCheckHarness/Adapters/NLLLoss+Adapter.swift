import LossCheck

struct NLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try NLLLoss(
      weight: classWeightOption(call, as: T.self), ignoreIndex: call.int("ignore_index"),
      reduction: call.reduction())
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.indexInput("target"),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}

/// The `weight` option, read in the case dtype (a weight of the other
/// floating dtype is `dtype_mismatch`, as PyTorch refuses it), held as
/// Double (exact for Float).
func classWeightOption<T: LossScalar>(_ call: LossCall, as: T.Type)
  throws(LossError) -> Tensor<Double>?
{
  guard let w = try call.tensorOption("weight", as: T.self) else { return nil }
  return try Tensor(shape: w.shape, scalars: w.scalars.map { Double($0) })
}
