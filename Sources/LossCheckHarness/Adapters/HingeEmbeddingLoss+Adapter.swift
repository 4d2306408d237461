import LossCheck

struct HingeEmbeddingLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    // The target is a label: the case dtype or int64 (PyTorch promotes an
    // integer target); a float of the other precision is refused.
    let target: Tensor<T>
    switch try call.anyInput("target") {
    case .int64(let t):
      target = try Tensor(shape: t.shape, scalars: t.scalars.map { T($0) })
    case let other:
      target = try LossCall.typed(other, as: T.self, what: "inputs.target")
    }
    return try HingeEmbeddingLoss(
      margin: call.double("margin"), reduction: call.reduction()
    )
    .valueWithGradient(
      call.input("input", as: T.self), target,
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
