/// Building blocks of the fused per-row kernels of the embedding losses
/// (``CosineEmbeddingLoss``, ``TripletMarginLoss``,
/// ``TripletMarginWithDistanceLoss``): sums over one row in a single sweep
/// with independent accumulators (which the optimizer keeps in registers and
/// can vectorize), and the triplet losses' row driver (gradients written
/// straight into `FusedPass.array` storage, no zeroing pass).
///
/// Every function is generic over the scalar but only ever called from code
/// specialized for `Float` or `Double`, so it runs specialized too.

/// Σ a·b, Σ a², Σ b² over `n` elements, in one sweep: one vector
/// accumulator per sum (`T.VMVector` lanes), then the lanes and the tail.
@inline(__always)
func rowDotAndSquares<T: LossScalar>(
  _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int
) -> (ab: T, aa: T, bb: T) {
  let w = T.VMVector.scalarCount
  var ab = T.VMVector(), aa = T.VMVector(), bb = T.VMVector()
  var j = 0
  while j + w <= n {
    let x = T.vload(a + j)
    let y = T.vload(b + j)
    ab += x * y
    aa += x * x
    bb += y * y
    j += w
  }
  var (sab, saa, sbb) = (ab.sum(), aa.sum(), bb.sum())
  while j < n {
    sab += a[j] * b[j]
    saa += a[j] * a[j]
    sbb += b[j] * b[j]
    j += 1
  }
  return (sab, saa, sbb)
}

/// The six sums of a triplet row (a, p, n): Σ a², Σ p², Σ n², Σ a·p,
/// Σ a·n, Σ p·n, in one sweep with one vector accumulator per sum.
@inline(__always)
func rowTripletProducts<T: LossScalar>(
  _ a: UnsafePointer<T>, _ p: UnsafePointer<T>, _ q: UnsafePointer<T>, _ n: Int
) -> (aa: T, pp: T, nn: T, ap: T, an: T, pn: T) {
  let w = T.VMVector.scalarCount
  var aa = T.VMVector(), pp = T.VMVector(), nn = T.VMVector()
  var ap = T.VMVector(), an = T.VMVector(), pn = T.VMVector()
  var j = 0
  while j + w <= n {
    let x = T.vload(a + j)
    let y = T.vload(p + j)
    let z = T.vload(q + j)
    aa += x * x
    pp += y * y
    nn += z * z
    ap += x * y
    an += x * z
    pn += y * z
    j += w
  }
  var s = (
    aa: aa.sum(), pp: pp.sum(), nn: nn.sum(), ap: ap.sum(), an: an.sum(),
    pn: pn.sum()
  )
  while j < n {
    let (x, y, z) = (a[j], p[j], q[j])
    s.aa += x * x
    s.pp += y * y
    s.nn += z * z
    s.ap += x * y
    s.an += x * z
    s.pn += y * z
    j += 1
  }
  return s
}

/// Σ (x − y + e)² over `n` elements, with one vector accumulator.
@inline(__always)
func rowShiftedDifferenceSquares<T: LossScalar>(
  _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ e: T, _ n: Int
) -> T {
  let w = T.VMVector.scalarCount
  let ev = T.VMVector(repeating: e)
  var acc = T.VMVector()
  var j = 0
  while j + w <= n {
    let z = T.vload(x + j) - T.vload(y + j) + ev
    acc += z * z
    j += w
  }
  var s = acc.sum()
  while j < n {
    let z = x[j] - y[j] + e
    s += z * z
    j += 1
  }
  return s
}

/// Runs a fused triplet kernel (TripletMarginLoss, TripletMarginWithDistance)
/// over the storage of its three same-shaped, non-empty inputs of `rows`
/// rows, in the blocks of ``Reduction``'s `evaluate`: `run` gets the
/// inputs, a block of rows, where to write their values and their
/// cotangents, and, when `wantGrad`, three fresh gradient buffers of the
/// inputs' size, whose rows of the block it must fill entirely.
///
/// `gradOutput` must already be checked against the output `shape` when
/// `wantGrad`. Returns the reduced output and the gradients of anchor,
/// positive and negative (empty arrays when not wanted).
@inline(__always)
func runTripletKernel<T: LossScalar>(
  _ anchor: Tensor<T>, _ positive: Tensor<T>, _ negative: Tensor<T>,
  rows: Int, shape: [Int], reduction: Reduction, gradOutput: Tensor<T>?,
  wantGrad: Bool,
  _ run: (
    _ a: UnsafePointer<T>, _ p: UnsafePointer<T>, _ n: UnsafePointer<T>,
    _ values: UnsafeMutablePointer<T>, _ cotangents: UnsafePointer<T>,
    _ rows: Range<Int>, _ ga: UnsafeMutablePointer<T>?,
    _ gp: UnsafeMutablePointer<T>?, _ gn: UnsafeMutablePointer<T>?
  ) -> Void
) -> (output: Tensor<T>, gradients: [[T]]) {
  let count = anchor.count
  var output = Tensor<T>(0)
  var grads: [[T]] = [[], [], []]
  anchor.scalars.withUnsafeBufferPointer { a in
    positive.scalars.withUnsafeBufferPointer { p in
      negative.scalars.withUnsafeBufferPointer { n in
        // Not empty (the callers' condition), so all three have storage.
        guard let a = a.baseAddress, let p = p.baseAddress,
          let n = n.baseAddress
        else { return }
        func pass(
          _ ga: UnsafeMutablePointer<T>?, _ gp: UnsafeMutablePointer<T>?,
          _ gn: UnsafeMutablePointer<T>?
        ) {
          output = reduction.evaluate(
            count: rows, shape: shape, gradOutput: wantGrad ? gradOutput : nil,
            width: count / max(1, rows), minimumChunk: 1 << 14
          ) { start, blockRows, v, g in
            run(a, p, n, v, g, start..<(start + blockRows), ga, gp, gn)
          }
        }
        guard wantGrad else { return pass(nil, nil, nil) }
        var gp: [T] = []
        var gn: [T] = []
        let ga: [T] = FusedPass.array(count: count) { ga in
          gp = FusedPass.array(count: count) { gp in
            gn = FusedPass.array(count: count) { gn in pass(ga, gp, gn) }
          }
        }
        grads = [ga, gp, gn]
      }
    }
  }
  return (output, grads)
}

/// The hinge of one triplet row, max(0, margin + d(a, p) − d_neg) with
/// d_neg = min(d(a, n), d(p, n)) under swap (NaN propagating), and the
/// cotangents it sends to the three distances.
@usableFromInline
struct TripletHinge<T: LossScalar> {
  @usableFromInline let z: T
  @usableFromInline let dAN: T
  @usableFromInline let dPN: T
  @usableFromInline let swap: Bool

  /// The loss of the row (NaN stays NaN).
  @inline(__always)
  var value: T { z.isNaN ? z : max(z, 0) }

  /// The cotangents of d(a, p), d(a, n) and d(p, n) for the row's
  /// cotangent `g`: 0 when inactive and exactly at the hinge (clamp_min);
  /// at a swap tie each side of the minimum gets half (torch.minimum).
  @inline(__always)
  func cotangents(_ g: T) -> (T, T, T) {
    guard z > 0 else { return (0, 0, 0) }
    if !swap || dAN < dPN { return (g, -g, 0) }
    if dAN == dPN { return (g, -(g / 2), -(g / 2)) }
    return (g, 0, -g)
  }
}

@inline(__always)
func tripletHinge<T: LossScalar>(
  margin m: T, _ dAP: T, _ dAN: T, _ dPN: T, swap: Bool
) -> TripletHinge<T> {
  let dneg = swap ? minimumPropagatingNaN(dAN, dPN) : dAN
  return TripletHinge(z: m + dAP - dneg, dAN: dAN, dPN: dPN, swap: swap)
}
