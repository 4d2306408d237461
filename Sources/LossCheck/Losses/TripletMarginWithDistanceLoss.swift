/// `torch.nn.TripletMarginWithDistanceLoss`: max(0, margin + d(a, p) − d_neg)
/// for a distance d, with d_neg = d(a, n), or min(d(a, n), d(p, n)) with
/// `swap`.
///
/// The distance is any ``TripletDistance``: the built-in
/// ``PairwiseDistance`` (the default: p = 2, eps = 1e-6),
/// ``CosineDistance`` and ``LInfinityDistance``, or your own (see
/// ``VectorDistance`` for an example).
///
/// - Shapes: the three inputs must have the same number of dimensions
///   (else `shape_mismatch`); each distance then decides how its pair
///   broadcasts and which dimension it reduces; the two distances (three
///   with swap) broadcast together to the output. `mean` divides by the
///   output's element count.
/// - Gradient: 0 where the hinge is inactive and exactly at it (clamp_min);
///   at a swap tie each side of the minimum gets half; then each distance's
///   ``TripletDistance/pullback(_:_:cotangent:)``.
/// - Errors: margin ≤ 0 is `invalid_option` (NaN passes, as in PyTorch).
///   Unlike most losses it has no `size_average`/`reduce` and rejects
///   `'elementwise_mean'` (a ``Reduction`` value here cannot be either).
public struct TripletMarginWithDistanceLoss<Distance: TripletDistance>: Sendable {
  public var distance: Distance
  public var margin: Double
  public var swap: Bool
  public var reduction: Reduction

  public init(
    distance: Distance, margin: Double = 1, swap: Bool = false,
    reduction: Reduction = .mean
  ) {
    self.distance = distance
    self.margin = margin
    self.swap = swap
    self.reduction = reduction
  }

  /// The loss.
  public func callAsFunction<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(anchor, positive, negative, wrt: .none).value
  }

  /// The loss and the VJPs of the three inputs with `gradOutput` (ones
  /// when nil; shaped like the output).
  public func valueWithGradient<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["anchor", "positive", "negative"]
  ) throws(LossError) -> LossValue<T> {
    try checkTripletMargin(margin)
    try checkTripletRanks([anchor.shape, positive.shape, negative.shape])
    let dap = try distance.distance(anchor, positive)
    let dan = try distance.distance(anchor, negative)
    let dpn = swap ? try distance.distance(positive, negative) : dan
    let negShape = try Broadcast.shape(
      [dan.shape, dpn.shape], names: ["d(anchor, negative)", "d(positive, negative)"])
    let shape = try Broadcast.shape(
      [dap.shape, negShape], names: ["d(anchor, positive)", "the negative distance"])
    let ap = Broadcast.expand(dap, to: shape)
    let an = Broadcast.expand(dan, to: shape)
    let pn = Broadcast.expand(dpn, to: shape)
    let m = T(margin)
    let n = ap.count
    var z = [T](repeating: 0, count: n)
    for i in 0..<n {
      let dneg = swap ? minimumPropagatingNaN(an[i], pn[i]) : an[i]
      z[i] = m + ap[i] - dneg
    }
    let output = reduction.apply(z.map { $0.isNaN ? $0 : max($0, 0) }, shape: shape)
    var result = LossValue(value: output)
    guard ["anchor", "positive", "negative"].contains(where: wrt.contains) else {
      return result
    }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
    var gap = [T](repeating: 0, count: n)
    var gan = [T](repeating: 0, count: n)
    var gpn = [T](repeating: 0, count: n)
    for i in 0..<n where z[i] > 0 {
      gap[i] = g[i]
      guard swap else {
        gan[i] = -g[i]
        continue
      }
      if an[i] == pn[i] {
        gan[i] = -g[i] / 2
        gpn[i] = -g[i] / 2
      } else if an[i] < pn[i] {
        gan[i] = -g[i]
      } else {
        gpn[i] = -g[i]
      }
    }
    let (ga1, gp1) = try distance.pullback(
      anchor, positive, cotangent: Broadcast.sum(gap, from: shape, to: dap.shape))
    let (ga2, gn1) = try distance.pullback(
      anchor, negative, cotangent: Broadcast.sum(gan, from: shape, to: dan.shape))
    var ga = ga1.scalars
    var gp = gp1.scalars
    var gn = gn1.scalars
    for i in 0..<ga.count { ga[i] += ga2.scalars[i] }
    if swap {
      let (gp2, gn2) = try distance.pullback(
        positive, negative, cotangent: Broadcast.sum(gpn, from: shape, to: dpn.shape))
      for i in 0..<gp.count { gp[i] += gp2.scalars[i] }
      for i in 0..<gn.count { gn[i] += gn2.scalars[i] }
    }
    let grads = [
      ("anchor", anchor.shape, ga), ("positive", positive.shape, gp),
      ("negative", negative.shape, gn),
    ]
    for (name, s, v) in grads where wrt.contains(name) {
      result.gradients[name] = try Tensor(shape: s, scalars: v)
    }
    return result
  }
}

extension TripletMarginWithDistanceLoss where Distance == PairwiseDistance {
  /// With PyTorch's default distance, `pairwise_distance` (p = 2, eps = 1e-6).
  public init(margin: Double = 1, swap: Bool = false, reduction: Reduction = .mean) {
    self.init(distance: PairwiseDistance(), margin: margin, swap: swap, reduction: reduction)
  }
}
