/// The summation algorithms of the losses, in one place.
///
/// Error bounds are first order, in units of u (the unit roundoff, 2⁻²⁴
/// for `Float`, 2⁻⁵³ for `Double`) times Σ|xᵢ|; the absolute error of a
/// plain left-to-right loop is (n − 1)·u·Σ|xᵢ| by comparison. All of them
/// give the same bits for the same input in the same order, on any thread
/// count: none depends on ``Parallelism/threads``.
///
/// - ``lanes(_:_:)``: four interleaved running sums; (⌈n/4⌉ + 1)·u. For
///   short rows in hot per-row kernels (class rows of the margin losses),
///   where a loop-carried dependency on one accumulator would be the
///   bottleneck.
/// - ``pairwise(_:)``: recursive halving down to
///   runs of at most 32, each summed by ``lanes(_:_:)``;
///   (⌈log₂(n/32)⌉ + 9)·u. The default for a read-only buffer of any
///   length, like PyTorch's cascade sums.
/// - ``pairwiseInPlace(_:count:)``: the same bound as a pairwise sum,
///   (⌈log₂(n/16)⌉ + 5)·u, but overwrites its input with partial sums in
///   plain vectorizable loops; for scratch buffers that are dead after the
///   sum (the blocks of ``Reduction/evaluate``).
@usableFromInline
enum Summation {
  /// Σ p[0..<n] in four lanes: lane k sums the elements i ≡ k (mod 4), the
  /// lanes are added pairwise ((l₀ + l₁) + (l₂ + l₃)); 0 when n = 0.
  ///
  /// No loop-carried dependency on a single accumulator, so the loop
  /// pipelines and the compiler may vectorize it. Error (⌈n/4⌉ + 1)·u·Σ|xᵢ|:
  /// use it only where n is small (a row of classes).
  @inlinable @inline(__always)
  static func lanes<T: LossScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var (a, b, c, d): (T, T, T, T) = (0, 0, 0, 0)
    var i = 0
    while i + 4 <= n {
      a += p[i]
      b += p[i + 1]
      c += p[i + 2]
      d += p[i + 3]
      i += 4
    }
    while i < n {
      a += p[i]
      i += 1
    }
    return (a + b) + (c + d)
  }

  /// The pairwise (cascade) sum of `p`: split at a multiple of 4 near the
  /// middle, recursively, and sum runs of at most 32 with
  /// ``lanes(_:_:)``; 0 when empty.
  ///
  /// Error (⌈log₂(n/32)⌉ + 9)·u·Σ|xᵢ|, O(log n) as PyTorch's sums.
  @inlinable
  static func pairwise<T: LossScalar>(_ p: UnsafeBufferPointer<T>) -> T {
    let n = p.count
    if n <= 32 {
      guard let base = p.baseAddress else { return 0 }
      return lanes(base, n)
    }
    let half = (n / 2 + 3) & ~3
    return pairwise(UnsafeBufferPointer(rebasing: p[..<half]))
      + pairwise(UnsafeBufferPointer(rebasing: p[half...]))
  }

  /// The pairwise sum of `values` (see the buffer form).
  @inlinable
  static func pairwise<T: LossScalar>(_ values: [T]) -> T {
    values.withUnsafeBufferPointer { pairwise($0) }
  }

  /// The pairwise sum of `p[0 ..< count]`, overwriting them.
  ///
  /// Each level adds the upper half onto the lower half elementwise
  /// (p[i] += p[i + count − h], h = ⌊count/2⌋; a middle element of an odd
  /// count waits for the next level), which is a plain vectorizable loop
  /// with no reassociation; the last 16 or fewer partial sums go to
  /// ``lanes(_:_:)``. Every element takes part in about log₂(count)
  /// additions: error (⌈log₂(count/16)⌉ + 5)·u·Σ|xᵢ|. Not the same bits as
  /// ``pairwise(_:)`` past 16 elements.
  @inlinable
  static func pairwiseInPlace<T: LossScalar>(
    _ p: UnsafeMutablePointer<T>, count: Int
  ) -> T {
    var length = count
    while length > 16 {
      let half = length / 2
      let offset = length - half
      let upper = p + offset  // disjoint from p[0 ..< half]: offset >= half
      for i in 0..<half { p[i] += upper[i] }
      length = offset
    }
    return lanes(p, length)
  }
}
