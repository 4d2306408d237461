/// Building blocks of the fused per-row kernels of the embedding losses
/// (``CosineEmbeddingLoss``, ``TripletMarginLoss``,
/// ``TripletMarginWithDistanceLoss``): sums over one row in a single sweep
/// with independent accumulators (which the optimizer keeps in registers and
/// can vectorize), and arrays filled in place without a zeroing pass.
///
/// Every function is generic over the scalar but only ever called from code
/// specialized for `Float` or `Double`, so it runs specialized too.

#if canImport(Glibc)
  import Glibc
#endif

/// An array of `count` elements that `body` initializes completely (every
/// element must be written; nothing is zeroed first). A large array's
/// memory is offered transparent huge pages first (see
/// ``adviseHugePages(_:)``).
@inline(__always)
func filledArray<T>(
  count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void
) -> [T] {
  [T](unsafeUninitializedCapacity: count) { buffer, initialized in
    adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
    body(buffer)
    initialized = count
  }
}

/// On Linux, asks for transparent huge pages (`MADV_HUGEPAGE`) on the
/// 2 MiB-aligned part of a fresh, not yet touched buffer of at least 4 MiB,
/// so that filling it takes one page fault per 2 MiB instead of one per
/// 4 KiB (with THP in `madvise` mode, the faults, not the arithmetic,
/// dominate the time of a loss with large gradients). Only a hint: the
/// contents and the result do not change, and it does nothing elsewhere or
/// when the kernel declines.
@inline(__always)
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
  #if os(Linux)
    let huge = 1 << 21
    guard buffer.count >= 2 * huge, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, Int32(MADV_HUGEPAGE))
  #endif
}

/// Σ a·b, Σ a², Σ b² over `n` elements, in one sweep with four
/// accumulators per sum (combined pairwise at the end).
@inline(__always)
func rowDotAndSquares<T: LossScalar>(
  _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int
) -> (ab: T, aa: T, bb: T) {
  var ab0: T = 0, ab1: T = 0, ab2: T = 0, ab3: T = 0
  var aa0: T = 0, aa1: T = 0, aa2: T = 0, aa3: T = 0
  var bb0: T = 0, bb1: T = 0, bb2: T = 0, bb3: T = 0
  var j = 0
  while j + 4 <= n {
    let (x0, x1, x2, x3) = (a[j], a[j + 1], a[j + 2], a[j + 3])
    let (y0, y1, y2, y3) = (b[j], b[j + 1], b[j + 2], b[j + 3])
    ab0 += x0 * y0; ab1 += x1 * y1; ab2 += x2 * y2; ab3 += x3 * y3
    aa0 += x0 * x0; aa1 += x1 * x1; aa2 += x2 * x2; aa3 += x3 * x3
    bb0 += y0 * y0; bb1 += y1 * y1; bb2 += y2 * y2; bb3 += y3 * y3
    j += 4
  }
  while j < n {
    ab0 += a[j] * b[j]
    aa0 += a[j] * a[j]
    bb0 += b[j] * b[j]
    j += 1
  }
  return ((ab0 + ab1) + (ab2 + ab3), (aa0 + aa1) + (aa2 + aa3), (bb0 + bb1) + (bb2 + bb3))
}

/// The six sums of a triplet row (a, p, n): Σ a², Σ p², Σ n², Σ a·p,
/// Σ a·n, Σ p·n, in one sweep with two accumulators per sum.
@inline(__always)
func rowTripletProducts<T: LossScalar>(
  _ a: UnsafePointer<T>, _ p: UnsafePointer<T>, _ q: UnsafePointer<T>, _ n: Int
) -> (aa: T, pp: T, nn: T, ap: T, an: T, pn: T) {
  var aa0: T = 0, aa1: T = 0, pp0: T = 0, pp1: T = 0, nn0: T = 0, nn1: T = 0
  var ap0: T = 0, ap1: T = 0, an0: T = 0, an1: T = 0, pn0: T = 0, pn1: T = 0
  var j = 0
  while j + 2 <= n {
    let (a0, a1, p0, p1, n0, n1) = (a[j], a[j + 1], p[j], p[j + 1], q[j], q[j + 1])
    aa0 += a0 * a0; aa1 += a1 * a1
    pp0 += p0 * p0; pp1 += p1 * p1
    nn0 += n0 * n0; nn1 += n1 * n1
    ap0 += a0 * p0; ap1 += a1 * p1
    an0 += a0 * n0; an1 += a1 * n1
    pn0 += p0 * n0; pn1 += p1 * n1
    j += 2
  }
  if j < n {
    let (a0, p0, n0) = (a[j], p[j], q[j])
    aa0 += a0 * a0; pp0 += p0 * p0; nn0 += n0 * n0
    ap0 += a0 * p0; an0 += a0 * n0; pn0 += p0 * n0
  }
  return (aa0 + aa1, pp0 + pp1, nn0 + nn1, ap0 + ap1, an0 + an1, pn0 + pn1)
}

/// Σ (x − y + e)² over `n` elements, with four accumulators.
@inline(__always)
func rowShiftedDifferenceSquares<T: LossScalar>(
  _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ e: T, _ n: Int
) -> T {
  var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
  var j = 0
  while j + 4 <= n {
    let z0 = x[j] - y[j] + e
    let z1 = x[j + 1] - y[j + 1] + e
    let z2 = x[j + 2] - y[j + 2] + e
    let z3 = x[j + 3] - y[j + 3] + e
    s0 += z0 * z0; s1 += z1 * z1; s2 += z2 * z2; s3 += z3 * z3
    j += 4
  }
  while j < n {
    let z = x[j] - y[j] + e
    s0 += z * z
    j += 1
  }
  return (s0 + s1) + (s2 + s3)
}

/// The minimum chunk (in rows) for ``Parallelism/forEachChunk`` so that a
/// chunk covers about 2^14 elements of rows of `length`.
@inline(__always)
func minimumRowChunk(length: Int) -> Int {
  max(1, (1 << 14) / max(length, 1))
}
