import LossCheck

struct NLLLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    try evaluate(call, as: T.self, gradientRounding: nil)
  }

  /// A half case: the loss rounds each nonzero gradient element to the
  /// case's dtype as it writes it, so the (mostly zero) gradient needs no
  /// second pass.
  func evaluateHalf(_ call: LossCall)
    throws(LossError) -> (LossValue<Float>, rounded: Set<LossInput>)
  {
    let float16: @Sendable (Float) -> Float = { HalfRounding.float16($0) }
    let bfloat16: @Sendable (Float) -> Float = { HalfRounding.bfloat16($0) }
    let rounding = call.testCase.dtype == .float16 ? float16 : bfloat16
    let value = try evaluate(call, as: Float.self, gradientRounding: rounding)
    return (value, [.input])
  }

  func evaluate<T: LossScalar>(
    _ call: LossCall, as: T.Type,
    gradientRounding: (@Sendable (Float) -> Float)?
  ) throws(LossError) -> LossValue<T> {
    var loss = try NLLLoss(
      weight: call.weightOption("weight", as: T.self),
      ignoreIndex: call.int("ignore_index"),
      reduction: call.reduction())
    loss.gradientRounding = gradientRounding
    return try loss.valueWithGradient(
      call.input("input", as: T.self), call.indexInput("target"),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
