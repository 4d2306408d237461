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
public struct TripletMarginWithDistanceLoss<Distance: TripletDistance>: Sendable
{
  /// The distance between two of the inputs.
  public var distance: Distance
  /// The margin; it must be > 0 (else `invalid_option`).
  public var margin: Double
  /// Whether the negative distance is the smaller of d(a, n) and d(p, n).
  public var swap: Bool
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
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
    wrt: GradientRequest = [.anchor, .positive, .negative]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("TripletMarginWithDistanceLoss")
    try checkTripletMargin(margin)
    try checkTripletRanks([anchor.shape, positive.shape, negative.shape])
    // The built-in distances on three inputs of one shape take fused,
    // specialized kernels (this generic method runs unspecialized when
    // called from another module); everything else composes the distance's
    // own `distance` and `pullback`.
    let sameShape =
      anchor.shape == positive.shape && anchor.shape == negative.shape
    if sameShape && anchor.count > 0 {
      if let cosine = distance as? CosineDistance, anchor.rank == 2 {
        return try cosine.fusedTriplet(
          anchor, positive, negative, margin: margin, swap: swap,
          reduction: reduction,
          gradOutput: gradOutput, wrt: wrt)
      }
      if let pairwise = distance as? PairwiseDistance, pairwise.p == 2 {
        let loss = TripletMarginLoss(
          margin: margin, p: 2, eps: pairwise.eps, swap: swap,
          reduction: reduction)
        return try loss.fusedEuclidean(
          anchor, positive, negative, gradOutput: gradOutput, wrt: wrt)
      }
    }
    return try composed(
      anchor, positive, negative, gradOutput: gradOutput, wrt: wrt)
  }

  /// The general path: the distance's `distance` and `pullback`, composed.
  func composed<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let dap = try distance.distance(anchor, positive)
    let dan = try distance.distance(anchor, negative)
    let dpn = swap ? try distance.distance(positive, negative) : dan
    let negShape = try Broadcast.shape(
      [dan.shape, dpn.shape],
      names: ["d(anchor, negative)", "d(positive, negative)"])
    let shape = try Broadcast.shape(
      [dap.shape, negShape],
      names: ["d(anchor, positive)", "the negative distance"])
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
    let (output, cotangents) = try tripletHinge(
      z, shape: shape, reduction: reduction, gradOutput: gradOutput, wrt: wrt)
    var result = LossValue(value: output)
    guard let g = cotangents else { return result }
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
      anchor, positive,
      cotangent: Broadcast.sum(gap, from: shape, to: dap.shape))
    let (ga2, gn1) = try distance.pullback(
      anchor, negative,
      cotangent: Broadcast.sum(gan, from: shape, to: dan.shape))
    var ga = ga1.scalars
    var gp = gp1.scalars
    var gn = gn1.scalars
    for i in 0..<ga.count { ga[i] += ga2.scalars[i] }
    if swap {
      let (gp2, gn2) = try distance.pullback(
        positive, negative,
        cotangent: Broadcast.sum(gpn, from: shape, to: dpn.shape))
      for i in 0..<gp.count { gp[i] += gp2.scalars[i] }
      for i in 0..<gn.count { gn[i] += gn2.scalars[i] }
    }
    let grads = [
      (LossInput.anchor, anchor.shape, ga), (.positive, positive.shape, gp),
      (.negative, negative.shape, gn),
    ]
    for (name, s, v) in grads where wrt.contains(name) {
      result.gradients[name] = try Tensor(shape: s, scalars: v)
    }
    return result
  }
}

extension TripletMarginWithDistanceLoss where Distance == PairwiseDistance {
  /// With PyTorch's default distance, `pairwise_distance` (p = 2, eps = 1e-6).
  public init(
    margin: Double = 1, swap: Bool = false, reduction: Reduction = .mean
  ) {
    self.init(
      distance: PairwiseDistance(), margin: margin, swap: swap,
      reduction: reduction)
  }
}

extension CosineDistance {
  /// ``TripletMarginWithDistanceLoss`` with this distance on three (N, D)
  /// inputs of one shape: per row, one pass computes the six sums (three
  /// squared norms, three dot products), the distances, the hinge and their
  /// cotangents, and a second pass over the same (cached) row writes the
  /// three gradient rows as combinations of a, p and n. The arithmetic per
  /// distance is ``CosineDistance``'s own `distance`/`pullback`. Rows are
  /// split across ``Parallelism/threads``; each row is computed the same way
  /// whatever the split.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  func fusedTriplet<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    margin: Double, swap: Bool, reduction: Reduction,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let rows = anchor.shape[0]
    let length = anchor.shape[1]
    let outShape = [rows]
    let names: [LossInput] = [.anchor, .positive, .negative]
    let wantGrad = names.contains(where: wrt.contains)
    if wantGrad {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let e = T(eps)
    let m = T(margin)
    func run(
      _ a: UnsafePointer<T>, _ p: UnsafePointer<T>, _ n: UnsafePointer<T>,
      _ v: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, rows: Range<Int>,
      _ ga: UnsafeMutablePointer<T>?,
      _ gp: UnsafeMutablePointer<T>?, _ gn: UnsafeMutablePointer<T>?
    ) {
      for i in rows {
        let k = i - rows.lowerBound
        let (ar, pr, nr) = (a + i * length, p + i * length, n + i * length)
        let s = rowTripletProducts(ar, pr, nr, length)
        // Norms, and norms clamped to at least eps.
        let (na, np, nn) = (
          s.aa.squareRoot(), s.pp.squareRoot(), s.nn.squareRoot()
        )
        let (ca, cp, cn) = (max(na, e), max(np, e), max(nn, e))
        let cosAP = s.ap / (ca * cp)
        let cosAN = s.an / (ca * cn)
        let cosPN = s.pn / (cp * cn)
        let dAP = 1 - cosAP
        let dAN = 1 - cosAN
        let dPN = swap ? 1 - cosPN : dAN
        let hinge = tripletHinge(margin: m, dAP, dAN, dPN, swap: swap)
        v[k] = hinge.value
        guard let ga, let gp, let gn else { continue }
        let (cAP, cAN, cPN) = hinge.cotangents(g[k])
        // d(1 − cos(x, y)) with cotangent c: −c·(y/(cx·cy) − cos·x/(cx·nx))
        // for x (the second term 0 when nx = 0), and symmetrically for y.
        func coefficients(_ c: T, _ cos: T, _ cx: T, _ nx: T, _ cy: T, _ ny: T)
          -> (cross: T, selfX: T, selfY: T)
        {
          let gneg = -c
          return (
            gneg / (cx * cy),
            nx == 0 ? 0 : gneg * cos / (cx * nx),
            ny == 0 ? 0 : gneg * cos / (cy * ny)
          )
        }
        let kAP = coefficients(cAP, cosAP, ca, na, cp, np)
        let kAN = coefficients(cAN, cosAN, ca, na, cn, nn)
        let kPN =
          swap
          ? coefficients(cPN, cosPN, cp, np, cn, nn)
          : (cross: 0, selfX: 0, selfY: 0)
        let (gar, gpr, gnr) = (
          ga + i * length, gp + i * length, gn + i * length
        )
        for j in 0..<length {
          let (x, y, w) = (ar[j], pr[j], nr[j])
          gar[j] =
            (kAP.cross * y - kAP.selfX * x) + (kAN.cross * w - kAN.selfX * x)
          gpr[j] =
            (kAP.cross * x - kAP.selfY * y) + (kPN.cross * w - kPN.selfX * y)
          gnr[j] =
            (kAN.cross * x - kAN.selfY * w) + (kPN.cross * y - kPN.selfY * w)
        }
      }
    }
    let (output, grads) = runTripletKernel(
      anchor, positive, negative, rows: rows, shape: outShape,
      reduction: reduction, gradOutput: gradOutput, wantGrad: wantGrad, run)
    var result = LossValue(value: output)
    for (k, name) in names.enumerated() where wrt.contains(name) {
      result.gradients[name] = Tensor(unchecked: anchor.shape, grads[k])
    }
    return result
  }
}
