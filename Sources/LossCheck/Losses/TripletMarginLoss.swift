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
  public var margin: Double
  public var p: Double
  public var eps: Double
  public var swap: Bool
  public var reduction: Reduction

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
  /// Computed row by row over the broadcast of all three inputs, each row
  /// forming its three differences and norms itself (an independent path
  /// from ``TripletMarginWithDistanceLoss``'s distance composition).
  public func valueWithGradient<T: LossScalar>(
    _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
    gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["anchor", "positive", "negative"]
  ) throws(LossError) -> LossValue<T> {
    try checkTripletMargin(margin)
    let shapes = [anchor.shape, positive.shape, negative.shape]
    try checkTripletRanks(shapes)
    // Each pair must broadcast on its own (PyTorch forms each difference separately).
    _ = try Broadcast.shape([shapes[0], shapes[1]], names: ["anchor", "positive"])
    _ = try Broadcast.shape([shapes[0], shapes[2]], names: ["anchor", "negative"])
    _ = try Broadcast.shape([shapes[1], shapes[2]], names: ["positive", "negative"])
    let full = try Broadcast.shape(shapes, names: ["anchor", "positive", "negative"])
    let outShape = full.isEmpty ? [] : Array(full.dropLast())
    let d = full.last ?? 1
    let rows = outShape.reduce(1, *)
    if p.isInfinite && d == 0 {
      throw .shape("p: the \(p) norm of an empty last dimension is undefined (no identity)")
    }
    let a = Broadcast.expand(anchor, to: full)
    let pos = Broadcast.expand(positive, to: full)
    let neg = Broadcast.expand(negative, to: full)
    let e = T(eps)
    let m = T(margin)
    let norm = PNorm(p: p)

    var values = [T](repeating: 0, count: rows)
    // Per row: the three difference vectors and their norms.
    var zs: [(ap: ArraySlice<T>, an: ArraySlice<T>, pn: ArraySlice<T>)] = []
    var ns: [(ap: T, an: T, pn: T)] = []
    zs.reserveCapacity(rows)
    ns.reserveCapacity(rows)
    for r in 0..<rows {
      let range = (r * d)..<((r + 1) * d)
      let zap = ArraySlice(range.map { a[$0] - pos[$0] + e })
      let zan = ArraySlice(range.map { a[$0] - neg[$0] + e })
      let zpn: ArraySlice<T> = swap ? ArraySlice(range.map { pos[$0] - neg[$0] + e }) : []
      let nAP = norm.value(zap)
      let nAN = norm.value(zan)
      let nPN = swap ? norm.value(zpn) : nAN
      zs.append((zap, zan, zpn))
      ns.append((nAP, nAN, nPN))
      let dneg = swap ? minimumPropagatingNaN(nAN, nPN) : nAN
      let z = m + nAP - dneg
      values[r] = z.isNaN ? z : max(z, 0)
    }
    let output = reduction.apply(values, shape: outShape)
    var result = LossValue(value: output)
    let names = ["anchor", "positive", "negative"]
    guard names.contains(where: wrt.contains) else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: rows)
    var ga = [T](repeating: 0, count: a.count)
    var gp = [T](repeating: 0, count: a.count)
    var gn = [T](repeating: 0, count: a.count)
    for r in 0..<rows {
      let (nAP, nAN, nPN) = ns[r]
      let dneg = swap ? minimumPropagatingNaN(nAN, nPN) : nAN
      let z = m + nAP - dneg
      guard z > 0 else { continue }  // inactive, or exactly at the hinge
      let gz = g[r]
      // Shares of −gz going to d(a, n) and d(p, n): torch.minimum's rule.
      var wan: T = 1
      var wpn: T = 0
      if swap {
        if nAN == nPN {
          (wan, wpn) = (0.5, 0.5)
        } else if nAN > nPN {
          (wan, wpn) = (0, 1)
        } else if nAN < nPN {
          (wan, wpn) = (1, 0)
        } else {
          (wan, wpn) = (1, 1)  // a NaN: both get the full gradient
        }
      }
      let dap = norm.gradient(zs[r].ap, norm: nAP)
      let dan = wan == 0 ? [] : norm.gradient(zs[r].an, norm: nAN)
      let dpn = wpn == 0 ? [] : norm.gradient(zs[r].pn, norm: nPN)
      for k in 0..<d {
        let i = r * d + k
        let tap = gz * dap[k]
        ga[i] += tap
        gp[i] -= tap
        if wan != 0 {
          let t = gz * wan * dan[k]
          ga[i] -= t
          gn[i] += t
        }
        if wpn != 0 {
          let t = gz * wpn * dpn[k]
          gp[i] -= t
          gn[i] += t
        }
      }
    }
    let summed = [ga, gp, gn]
    for (k, name) in names.enumerated() where wrt.contains(name) {
      result.gradients[name] = Broadcast.sum(
        summed[k], from: full.isEmpty ? [] : full, to: shapes[k])
    }
    return result
  }
}

/// min(x, y) with NaN propagating, as torch.minimum.
@inlinable
func minimumPropagatingNaN<T: LossScalar>(_ x: T, _ y: T) -> T {
  if x.isNaN || y.isNaN { return .nan }
  return min(x, y)
}
