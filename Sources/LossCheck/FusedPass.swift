import RealModule

/// Helpers for the fused forward + backward kernels of the class, logistic
/// and hinge losses: one pass over the data that writes the unreduced
/// values and the gradients together, split across `Parallelism.threads`.
///
/// Determinism: elementwise sums are taken block by block (`blockSize`
/// elements, pairwise within a block) and the block sums are then summed
/// pairwise in order. Chunks always hold whole blocks, so the result does
/// not depend on the thread count at all.
@usableFromInline
enum FusedPass {
  /// Elements per block of an elementwise pass (a power of two, so that for
  /// power-of-two sizes the tree is the one `accurateSum` builds).
  @usableFromInline static let blockSize = 1024

  /// Fewest elements worth a thread of their own.
  @usableFromInline static let minimumChunkElements = 1 << 15

  /// An array of `count` elements written by `initialize`, which must
  /// write every one of them (no zero fill first).
  @inlinable
  static func array<T>(
    count: Int, _ initialize: (UnsafeMutablePointer<T>) -> Void
  ) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      if let base = buffer.baseAddress { initialize(base) }
      initialized = count
    }
  }

  /// An array of `count` trivial scalars left unwritten: the caller must
  /// write every element before any is read (the kernels do, in one pass,
  /// which saves the zero fill of a fresh gradient).
  @inlinable
  static func uninitialized<T: LossScalar>(count: Int) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      initialized = count
    }
  }

  /// A zero-filled array of `count` elements, filled in parallel chunks
  /// (large gradients of which a kernel writes only a few elements).
  @inlinable
  static func zeros<T: LossScalar>(count: Int) -> [T] {
    array(count: count) { (p: UnsafeMutablePointer<T>) in
      Parallelism.forEachChunk(count, minimumChunk: 1 << 18) { _, r in
        (p + r.lowerBound).initialize(repeating: 0, count: r.count)
      }
    }
  }

  /// Runs an elementwise kernel over `0..<count` in parallel chunks of
  /// whole blocks and returns the pairwise sum of the values it writes.
  ///
  /// `body(range, values)` handles the elements `range` (at most one
  /// block) and writes the value of element `i` at
  /// `values[i - range.lowerBound]`; it may write other outputs (such as
  /// gradients) at `i`. The values land in `keep` when it is non-nil (the
  /// unreduced output, `count` elements), else in a per-chunk scratch block.
  @inlinable
  static func sum<T: LossScalar>(
    count: Int, keep: UnsafeMutablePointer<T>?,
    _ body: (Range<Int>, UnsafeMutablePointer<T>) -> Void
  ) -> T {
    let blocks = (count + blockSize - 1) / blockSize
    if blocks == 0 { return 0 }
    let blockSums = array(count: blocks) { (sums: UnsafeMutablePointer<T>) in
      Parallelism.forEachChunk(
        blocks, minimumChunk: max(1, minimumChunkElements / blockSize)
      ) { _, chunk in
        withUnsafeTemporaryAllocation(of: T.self, capacity: blockSize) { scratch in
          guard let scratchBase = scratch.baseAddress else { return }
          for b in chunk {
            let lo = b * blockSize
            let hi = Swift.min(lo + blockSize, count)
            let values = keep.map { $0 + lo } ?? scratchBase
            body(lo..<hi, values)
            (sums + b).initialize(
              to: accurateSum(UnsafeBufferPointer(start: values, count: hi - lo)))
          }
        }
      }
    }
    return accurateSum(blockSums)
  }

  /// Runs a per-row kernel over `rows` rows of `width` elements in
  /// parallel chunks of whole rows. `body(rows, scratch)` gets a chunk of
  /// rows and a scratch buffer of `scratchCount` elements of its own.
  @inlinable
  static func forEachRowChunk<T: LossScalar>(
    rows: Int, width: Int, scratchCount: Int, of: T.Type,
    _ body: (Range<Int>, UnsafeMutablePointer<T>) -> Void
  ) {
    Parallelism.forEachChunk(
      rows, minimumChunk: max(1, minimumChunkElements / Swift.max(1, width))
    ) { _, chunk in
      withUnsafeTemporaryAllocation(of: T.self, capacity: Swift.max(1, scratchCount)) {
        scratch in
        guard let base = scratch.baseAddress else { return }
        body(chunk, base)
      }
    }
  }
}

/// Elementwise exp / log / log1p over short contiguous blocks, in the
/// kernels' staged form (`dst[i] = f(src[i])`; `dst` may equal `src`), on
/// the vectorized kernels of ``VectorMath`` (within 2 ULPs of libm; the
/// same bits wherever an element sits in the block).
@usableFromInline
enum BlockMath {
  @inlinable @inline(__always)
  static func exp<T: LossScalar>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int
  ) {
    T.vexp(UnsafeBufferPointer(start: src, count: n), into: .init(start: dst, count: n))
  }

  @inlinable @inline(__always)
  static func log<T: LossScalar>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int
  ) {
    T.vlog(UnsafeBufferPointer(start: src, count: n), into: .init(start: dst, count: n))
  }

  @inlinable @inline(__always)
  static func log1p<T: LossScalar>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int
  ) {
    T.vlog1p(UnsafeBufferPointer(start: src, count: n), into: .init(start: dst, count: n))
  }
}

extension UnsafeMutableBufferPointer {
  /// The base address, or nil when empty (an empty array's buffer may
  /// still have a base address, which must not be written through).
  @inlinable
  var nonEmptyBase: UnsafeMutablePointer<Element>? { isEmpty ? nil : baseAddress }
}
