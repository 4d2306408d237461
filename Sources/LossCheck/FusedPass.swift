import RealModule

/// Helpers for the fused forward + backward kernels of the row losses
/// (class, hinge, triplet, cosine, multi-label): output and gradient arrays
/// written straight into their storage, and a per-row driver split across
/// `Parallelism.threads` in chunks of whole rows, for a loss that reduces
/// with its own denominator (CrossEntropy). Losses whose output is reduced
/// by ``Reduction`` alone run their rows or elements through
/// `Reduction.evaluate` (BlockedReduction.swift), which owns the cotangents
/// and the blocked pairwise sum.
@usableFromInline
enum FusedPass {
  /// Fewest elements worth a thread of their own.
  @usableFromInline static let minimumChunkElements = 1 << 15

  /// An array of `count` elements written by `initialize`, which must
  /// write every one of them (no zero fill first).
  @inlinable
  static func array<T>(
    count: Int, _ initialize: (UnsafeMutablePointer<T>) -> Void
  ) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      prepareFreshPages(UnsafeMutableRawBufferPointer(buffer))
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
      prepareFreshPages(UnsafeMutableRawBufferPointer(buffer))
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
      withUnsafeTemporaryAllocation(
        of: T.self, capacity: Swift.max(1, scratchCount)
      ) {
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
    T.vexp(
      UnsafeBufferPointer(start: src, count: n),
      into: .init(start: dst, count: n))
  }

  @inlinable @inline(__always)
  static func log<T: LossScalar>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int
  ) {
    T.vlog(
      UnsafeBufferPointer(start: src, count: n),
      into: .init(start: dst, count: n))
  }

  @inlinable @inline(__always)
  static func log1p<T: LossScalar>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int
  ) {
    T.vlog1p(
      UnsafeBufferPointer(start: src, count: n),
      into: .init(start: dst, count: n))
  }
}

extension UnsafeMutableBufferPointer {
  /// The base address, or nil when empty (an empty array's buffer may
  /// still have a base address, which must not be written through).
  @inlinable
  var nonEmptyBase: UnsafeMutablePointer<Element>? {
    isEmpty ? nil : baseAddress
  }
}
