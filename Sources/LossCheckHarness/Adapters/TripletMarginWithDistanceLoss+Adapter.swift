import LossCheck

struct TripletMarginWithDistanceLossAdapter: ReferenceAdapter {
  func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
    throws(LossError) -> LossValue<T>
  {
    // The case schema names the distance; null means PyTorch's default.
    let name: String? =
      call.isSet("distance_function")
      ? try call.string("distance_function") : nil
    switch name {
    case nil, "pairwise_distance"?:
      return try run(PairwiseDistance(), call, as: T.self)
    case "cosine_distance"?:
      let eps = call.constantInCaseDType(CosineDistance().eps)
      return try run(CosineDistance(eps: eps), call, as: T.self)
    case "l_infinity"?: return try run(LInfinityDistance(), call, as: T.self)
    case let other?:
      throw LossError(
        .invalidOption,
        "distance_function: unknown distance '\(other)' (expected pairwise_distance, cosine_distance or l_infinity)"
      )
    }
  }

  func run<T: LossScalar, D: TripletDistance>(
    _ distance: D, _ call: LossCall, as: T.Type
  )
    throws(LossError) -> LossValue<T>
  {
    let loss = try TripletMarginWithDistanceLoss(
      distance: distance, margin: call.double("margin"),
      swap: call.bool("swap"),
      reduction: call.reduction())
    return try loss.valueWithGradient(
      call.input("anchor", as: T.self), call.input("positive", as: T.self),
      call.input("negative", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
  }
}
