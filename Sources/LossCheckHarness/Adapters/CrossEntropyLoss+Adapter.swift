import LossCheck

struct CrossEntropyLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    let loss = try CrossEntropyLoss(
      weight: call.weightOption("weight", as: T.self),
      ignoreIndex: call.int("ignore_index"),
      reduction: call.reduction(),
      labelSmoothing: call.double("label_smoothing"))
    // The target's spec dtype is "any": int64 holds class indices, a
    // floating tensor probabilities (or a misplaced float index target,
    // which the loss refuses by shape). A floating target must be in the
    // case dtype (PyTorch would promote; LossCheck computes in one dtype).
    let target: CrossEntropyLoss.Target<T>
    if case .int64(let t) = try call.anyInput("target") {
      target = .indices(t)
    } else {
      target = .probabilities(try call.input("target", as: T.self))
    }
    return try loss.valueWithGradient(
      call.input("input", as: T.self), target,
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
