/// `torch.nn.TripletMarginLoss`: max(0, margin + d(a, p) − d_neg) with
/// d(x, y) = ‖x − y + eps‖_p over the last dimension and d_neg = d(a, n),
/// or min(d(a, n), d(p, n)) with `swap`.
///
/// - Shapes: anchor, positive and negative must have the same number of
///   dimensions (else `shape_mismatch`), then broadcast. The output (for
///   `none`) is the broadcast shape without its last dimension: (N) for
///   (N, D) inputs, 0-d for unbatched (D) inputs and for 0-d inputs (one
///   vector of one element). `mean` divides by the output's element count.
/// - eps is added to every element of the difference, so an anchor equal
///   to its positive is at distance eps·D^(1/p), not 0.
/// - p: any value PyTorch accepts: p = 0 counts non-zero differences (no
///   gradient), p = ±∞ is max/min |z| (tied extremes share the gradient),
///   0 < p < 1 and p < 0 use (Σ|z|^p)^(1/p). The p = ±∞ norm of an empty
///   last dimension is refused (`shape_mismatch`).
/// - Gradient: 0 where the hinge is inactive and exactly at it (clamp_min);
///   at a swap tie d(a, n) = d(p, n) each side gets half (torch.minimum).
///   The norm's gradient is 0 where the norm is 0 (p ≠ 1).
/// - Errors: margin ≤ 0 is `invalid_option` (NaN passes, as in PyTorch).
public struct TripletMarginLoss: Sendable {
  /// The margin; it must be > 0 (else `invalid_option`).
  public var margin: Double
  /// The norm's degree (a real, as in PyTorch's `pairwise_distance`).
  public var p: Double
  /// Added to each difference before the norm.
  public var eps: Double
  /// Whether the negative distance is the smaller of d(a, n) and d(p, n).
  public var swap: Bool
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    margin: Double = 1, p: Double = 2, eps: Double = 1e-6, swap: Bool = false,
    reduction: Reduction = .mean
  ) {
    self.margin = margin
    self.p = p
    self.eps = eps
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
  ///
  /// Each pair (a, p), (a, n) and (p, n) is broadcast on its own, as
  /// `torch.pairwise_distance` does (so a (1, 1) anchor against a (2, 1)
  /// positive is a 1-element distance even when the negative is (2, 4));
  /// the distances then broadcast to the output. Norms are taken row by row
  /// here, not through ``TripletMarginWithDistanceLoss``'s distance
  /// composition (which reuses the fused p = 2 kernel below for
  /// ``PairwiseDistance`` on same-shape inputs).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.anchor, .positive, .negative]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("TripletMarginLoss")
    try checkTripletMargin(margin)
    let shapes = [anchor.shape, positive.shape, negative.shape]
    try checkTripletRanks(shapes)
    if p == 2 && anchor.shape == positive.shape
      && anchor.shape == negative.shape
      && anchor.count > 0
    {
      return try fusedEuclidean(
        anchor, positive, negative, gradOutput: gradOutput, wrt: wrt)
    }
    return try general(
      anchor, positive, negative, gradOutput: gradOutput, wrt: wrt)
  }

  /// The general path: each pair broadcast on its own and its p-norms
  /// taken row by row (``Pair``), then the distances broadcast to the
  /// output, unfused. The ranks must already be checked.
  func general<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let shapes = [anchor.shape, positive.shape, negative.shape]
    let ap = try Pair(anchor, positive, "anchor", "positive", self)
    let an = try Pair(anchor, negative, "anchor", "negative", self)
    let pn =
      swap ? try Pair(positive, negative, "positive", "negative", self) : an
    let shape = try Broadcast.shape(
      [ap.outShape, an.outShape, pn.outShape],
      names: [
        "d(anchor, positive)", "d(anchor, negative)", "d(positive, negative)",
      ])
    let count = shape.reduce(1, *)
    let iap = Broadcast.indexMap(from: ap.outShape, to: shape)
    let ian = Broadcast.indexMap(from: an.outShape, to: shape)
    let ipn = Broadcast.indexMap(from: pn.outShape, to: shape)
    let m = T(margin)
    var z = [T](repeating: 0, count: count)
    for i in 0..<count {
      let dAN = an.norms[ian?[i] ?? i]
      let dneg = swap ? minimumPropagatingNaN(dAN, pn.norms[ipn?[i] ?? i]) : dAN
      z[i] = m + ap.norms[iap?[i] ?? i] - dneg
    }
    let (output, cotangents) = try tripletHinge(
      z, shape: shape, reduction: reduction, gradOutput: gradOutput, wrt: wrt)
    var result = LossValue(value: output)
    guard let g = cotangents else { return result }
    // The cotangent of each distance, gathered from the output elements.
    var cAP = [T](repeating: 0, count: ap.rows)
    var cAN = [T](repeating: 0, count: an.rows)
    var cPN = [T](repeating: 0, count: pn.rows)
    // 0 when inactive and exactly at the hinge
    for i in 0..<count where z[i] > 0 {
      let gz = g[i]
      cAP[iap?[i] ?? i] += gz
      let (kAN, kPN) = (ian?[i] ?? i, ipn?[i] ?? i)
      guard swap else {
        cAN[kAN] -= gz
        continue
      }
      // torch.minimum: a tie sends half to each side.
      let (dAN, dPN) = (an.norms[kAN], pn.norms[kPN])
      if dAN == dPN {
        cAN[kAN] -= gz / 2
        cPN[kPN] -= gz / 2
      } else if dAN < dPN {
        cAN[kAN] -= gz
      } else {
        cPN[kPN] -= gz
      }
    }
    let (ga1, gp1) = ap.pullback(cAP, self)
    let (ga2, gn1) = an.pullback(cAN, self)
    var grads = [ga1, gp1, gn1]
    for k in 0..<ga2.count { grads[0][k] += ga2[k] }
    if swap {
      let (gp2, gn2) = pn.pullback(cPN, self)
      for k in 0..<gp2.count { grads[1][k] += gp2[k] }
      for k in 0..<gn2.count { grads[2][k] += gn2[k] }
    }
    let names: [LossInput] = [.anchor, .positive, .negative]
    for (k, name) in names.enumerated() where wrt.contains(name) {
      result.gradients[name] = try Tensor(shape: shapes[k], scalars: grads[k])
    }
    return result
  }

  /// The common case: p = 2 and three inputs of one shape (no
  /// broadcasting). Per row, one pass computes the squared norms of the
  /// shifted differences, the hinge and the distances' cotangents, and a
  /// second pass over the same (cached) row writes the three gradient rows
  /// as multiples of the differences. Rows are split across
  /// ``Parallelism/threads``; each row is computed the same way whatever the
  /// split.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  func fusedEuclidean<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let shape = anchor.shape
    let outShape = shape.isEmpty ? [] : Array(shape.dropLast())
    let length = shape.last ?? 1
    let count = anchor.count
    let rows = count / length
    let names: [LossInput] = [.anchor, .positive, .negative]
    let wantGrad = names.contains(where: wrt.contains)
    if wantGrad {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let e = T(eps)
    let m = T(margin)
    let swap = self.swap
    func run(
      _ a: UnsafePointer<T>, _ p: UnsafePointer<T>, _ n: UnsafePointer<T>,
      _ v: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, rows: Range<Int>,
      _ ga: UnsafeMutablePointer<T>?,
      _ gp: UnsafeMutablePointer<T>?, _ gn: UnsafeMutablePointer<T>?
    ) {
      for i in rows {
        let k = i - rows.lowerBound
        let (ar, pr, nr) = (a + i * length, p + i * length, n + i * length)
        let dAP = rowShiftedDifferenceSquares(ar, pr, e, length).squareRoot()
        let dAN = rowShiftedDifferenceSquares(ar, nr, e, length).squareRoot()
        let dPN =
          swap
          ? rowShiftedDifferenceSquares(pr, nr, e, length).squareRoot() : dAN
        let hinge = tripletHinge(margin: m, dAP, dAN, dPN, swap: swap)
        v[k] = hinge.value
        guard let ga, let gp, let gn else { continue }
        let (cAP, cAN, cPN) = hinge.cotangents(g[k])
        // ∂‖z‖/∂z = z/‖z‖, 0 where the norm is 0: each gradient row is a
        // combination of the difference rows (also for a zero cotangent,
        // so that a NaN row stays NaN).
        let kAP = dAP == 0 ? 0 : cAP / dAP
        let kAN = dAN == 0 ? 0 : cAN / dAN
        let (gar, gpr, gnr) = (
          ga + i * length, gp + i * length, gn + i * length
        )
        if swap {
          let kPN = dPN == 0 ? 0 : cPN / dPN
          for j in 0..<length {
            let uAP = kAP * (ar[j] - pr[j] + e)
            let uAN = kAN * (ar[j] - nr[j] + e)
            let uPN = kPN * (pr[j] - nr[j] + e)
            gar[j] = uAP + uAN
            gpr[j] = -uAP + uPN
            gnr[j] = -uAN - uPN
          }
        } else {
          for j in 0..<length {
            let uAP = kAP * (ar[j] - pr[j] + e)
            let uAN = kAN * (ar[j] - nr[j] + e)
            gar[j] = uAP + uAN
            gpr[j] = -uAP
            gnr[j] = -uAN
          }
        }
      }
    }
    let (output, grads) = runTripletKernel(
      anchor, positive, negative, rows: rows, shape: outShape,
      reduction: reduction, gradOutput: gradOutput, wantGrad: wantGrad, run)
    var result = LossValue(value: output)
    for (k, name) in names.enumerated() where wrt.contains(name) {
      result.gradients[name] = Tensor(unchecked: shape, grads[k])
    }
    return result
  }

  /// One pair broadcast together: its difference rows z = x − y + eps along
  /// the last dimension and their p-norms.
  struct Pair<T: LossScalar> {
    let xShape: [Int]
    let yShape: [Int]
    let shape: [Int]
    let outShape: [Int]
    let length: Int
    let rows: Int
    let z: [T]
    let norms: [T]

    init(
      _ x: Tensor<T>, _ y: Tensor<T>, _ xName: String, _ yName: String,
      _ loss: TripletMarginLoss
    ) throws(LossError) {
      shape = try Broadcast.shape([x.shape, y.shape], names: [xName, yName])
      xShape = x.shape
      yShape = y.shape
      outShape = shape.isEmpty ? [] : Array(shape.dropLast())
      length = shape.last ?? 1
      rows = outShape.reduce(1, *)
      if loss.p.isInfinite && length == 0 {
        throw .shape(
          "p: the \(loss.p) norm of the empty last dimension of \(xName) and \(yName) is undefined (no identity)"
        )
      }
      let e = T(loss.eps)
      let xs = Broadcast.expand(x, to: shape)
      let ys = Broadcast.expand(y, to: shape)
      let z = (0..<xs.count).map { xs[$0] - ys[$0] + e }
      let norm = PNorm(p: loss.p)
      let d = length
      self.z = z
      norms = (0..<rows).map { r in norm.value(z[(r * d)..<((r + 1) * d)]) }
    }

    /// The gradients of x and y (own shapes, as flat arrays) for the
    /// cotangents `c` of the norms.
    func pullback(_ c: [T], _ loss: TripletMarginLoss) -> ([T], [T]) {
      let norm = PNorm(p: loss.p)
      var gz = [T](repeating: 0, count: z.count)
      for r in 0..<rows {
        let range = (r * length)..<((r + 1) * length)
        let dn = norm.gradient(z[range], norm: norms[r])
        for (k, i) in range.enumerated() { gz[i] = c[r] * dn[k] }
      }
      let gx = Broadcast.sum(gz, from: shape, to: xShape)
      let gy = Broadcast.sum(gz.map { -$0 }, from: shape, to: yShape)
      return (gx.scalars, gy.scalars)
    }
  }
}

/// min(x, y) with NaN propagating, as torch.minimum.
@inlinable
func minimumPropagatingNaN<T: LossScalar>(_ x: T, _ y: T) -> T {
  if x.isNaN || y.isNaN { return .nan }
  return min(x, y)
}
