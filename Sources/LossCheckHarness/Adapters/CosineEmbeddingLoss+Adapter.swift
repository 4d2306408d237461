import LossCheck

struct CosineEmbeddingLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    var loss = try CosineEmbeddingLoss(
      margin: call.double("margin"), reduction: call.reduction())
    // PyTorch's Float(1e-12), rounded to the dtype in a half case.
    loss.epsilon = call.constantInCaseDType(Double(Float.pytorchEpsilon1e12))
    return try loss.valueWithGradient(
      call.input("input1", as: T.self), call.input("input2", as: T.self),
      target(call, as: T.self), gradOutput: call.gradOutput(as: T.self),
      wrt: call.wrt)
  }

  /// PyTorch accepts a target of any dtype and only asks `target == 1` and
  /// `target == -1`. A target in the case dtype is passed as is; any other
  /// (int64, or the other float dtype) is classified exactly first: ±1 stay,
  /// everything else becomes 0 (so a float64 1 + 1e-10 cannot round to a
  /// Float 1).
  func target<T: LossScalar>(_ call: LossCall, as: T.Type) throws(LossError)
    -> Tensor<T>
  {
    func classified(_ values: [Double], _ shape: [Int]) throws(LossError)
      -> Tensor<T>
    {
      try Tensor(
        shape: shape, scalars: values.map { $0 == 1 ? 1 : ($0 == -1 ? -1 : 0) })
    }
    let target = try call.anyInput("target")
    if target.dtype.rawValue == T.dtypeName {
      return try call.input("target", as: T.self)
    }
    switch target {
    case .float32(let t), .float16(let t), .bfloat16(let t):
      return try classified(t.scalars.map(Double.init), t.shape)
    case .float64(let t): return try classified(t.scalars, t.shape)
    case .int64(let t):
      return try classified(t.scalars.map(Double.init), t.shape)
    }
  }
}
