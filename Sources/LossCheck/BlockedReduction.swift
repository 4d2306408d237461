/// The one reduction and cotangent mechanism of the losses whose output is
/// one value per item (an element, a row, a triplet) reduced by
/// ``Reduction``: the elementwise losses (through ``Elementwise``) and the
/// row losses (CosineEmbedding, the triplet losses, MultiMargin and the
/// multi-label losses).
///
/// The cotangent of every item is known before any item is computed
/// (`gradOutput / n` for `mean`, `gradOutput` for `sum`, the matching
/// element of `gradOutput` for `none`), so a kernel computes an item's
/// value and its gradients in one pass.
///
/// Summation is blocked and pairwise: the items are cut into blocks
/// (``Reduction/blockSize(width:)``); a block's values go to a stack buffer
/// and are summed in place (``Summation/pairwiseInPlace(_:count:)``), and
/// the block sums are summed pairwise (``Summation/pairwise(_:)``). The
/// error stays O(log n · u), and the grid of blocks depends on the shape
/// alone, not on the thread count, so the result is the same bits for any
/// `Parallelism.threads`: threads take contiguous runs of whole blocks,
/// each writing only its own block sums and items.
extension Reduction {
  /// Items per block for items of `width` elements of work each: 1024
  /// (4 KB of Float, 8 KB of Double: the block's values stay in L1 between
  /// being computed and being summed) up to width 16, then fewer, so that
  /// a block of wide rows is about 2^14 elements of work and a batch of a
  /// few hundred rows still splits across threads.
  @inlinable
  static func blockSize(width: Int) -> Int {
    max(1, min(maximumBlockSize, (1 << 14) / max(1, width)))
  }

  /// The largest block, a constant: the block buffers are allocated at
  /// this size so that they go on the stack with no run-time check.
  @inlinable static var maximumBlockSize: Int { 1024 }

  /// Runs `kernel(start, count, values, cotangents)` over the items
  /// `0..<n` in blocks and returns the reduced output.
  ///
  /// The kernel must write the value of items `start ..< start + count` to
  /// `values[0 ..< count]`, and may write those items' gradients to
  /// buffers it owns, scaled by their cotangents `cotangents[0 ..< count]`.
  /// For `none` `values` points into the output; for `mean`/`sum` it is a
  /// per-thread scratch block. Blocks may run concurrently, on disjoint
  /// ranges, so the kernel must write nothing shared.
  ///
  /// - Parameters:
  ///   - n: the item count, the elements of the unreduced output.
  ///   - shape: the unreduced output's shape (`n` elements).
  ///   - gradOutput: the output's cotangent (ones when nil). Pass it only
  ///     once it has been checked against the output shape
  ///     (`checkGradOutput`), that is when some gradient is wanted.
  ///   - width: the elements of work per item (1 for an elementwise loss,
  ///     the row length for a row loss); sets the block size and how many
  ///     blocks make a thread's chunk, never the result.
  ///   - minimumChunk: the fewest elements of work worth a thread.
  /// - Returns: the unreduced values in `shape` for `none`; their blocked
  ///   pairwise sum for `sum` (0 over zero items); that sum over `n` for
  ///   `mean` (NaN over zero items).
  @inlinable
  func evaluate<T: LossScalar>(
    count n: Int, shape: [Int], gradOutput: Tensor<T>?, width: Int = 1,
    minimumChunk: Int = 1 << 15,
    _ kernel: (
      _ start: Int, _ count: Int, _ values: UnsafeMutablePointer<T>,
      _ cotangents: UnsafePointer<T>
    ) -> Void
  ) -> Tensor<T> {
    let blockSize = Reduction.blockSize(width: width)
    let blocks = (n + blockSize - 1) / blockSize
    let minimumBlocks = max(1, minimumChunk / (blockSize * max(1, width)))
    // The cotangent of every item, when it is one scalar.
    let uniform: T? =
      switch self {
      case .none: gradOutput?.scalars.count == n ? nil : 1
      case .sum: gradOutput?.scalars.first ?? 1
      case .mean, .batchmean: (gradOutput?.scalars.first ?? 1) / T(n)
      }
    let perItem = gradOutput?.scalars ?? []
    return perItem.withUnsafeBufferPointer { perItem in
      // Runs the blocks `range`, with `values(start)` the destination of
      // a block's values and `finish(b, values, count)` after each block.
      func run(
        _ range: Range<Int>, values: (Int) -> UnsafeMutablePointer<T>,
        finish: (Int, UnsafeMutablePointer<T>, Int) -> Void
      ) {
        withUnsafeTemporaryAllocation(
          of: T.self, capacity: Reduction.maximumBlockSize
        ) {
          fill in
          guard let fill = fill.baseAddress else { return }
          if let uniform {
            fill.initialize(repeating: uniform, count: blockSize)
          }
          for b in range {
            let start = b * blockSize
            let count = Swift.min(blockSize, n - start)
            let cotangents =
              uniform == nil
              ? (perItem.baseAddress.map { $0 + start } ?? UnsafePointer(fill))
              : UnsafePointer(fill)
            let v = values(start)
            kernel(start, count, v, cotangents)
            finish(b, v, count)
          }
        }
      }
      if self == .none {
        let values = FusedPass.array(count: n) {
          (out: UnsafeMutablePointer<T>) in
          Parallelism.forEachChunk(blocks, minimumChunk: minimumBlocks) {
            _, range in
            run(range, values: { out + $0 }, finish: { _, _, _ in })
          }
        }
        return Tensor(unchecked: shape, values)
      }
      let blockSums = [T](unsafeUninitializedCapacity: blocks) {
        sums, initialized in
        if let sums = sums.baseAddress {
          Parallelism.forEachChunk(blocks, minimumChunk: minimumBlocks) {
            _, range in
            withUnsafeTemporaryAllocation(
              of: T.self, capacity: Reduction.maximumBlockSize
            ) {
              scratch in
              guard let scratch = scratch.baseAddress else { return }
              run(range, values: { _ in scratch }) { b, v, count in
                sums[b] = Summation.pairwiseInPlace(v, count: count)
              }
            }
          }
        }
        initialized = blocks
      }
      let total = Summation.pairwise(blockSums)
      if self == .sum { return Tensor(total) }
      return Tensor(n == 0 ? .nan : total / T(n))
    }
  }

  /// Reduces values already computed (the general, unfused paths) through
  /// ``evaluate(count:shape:gradOutput:width:minimumChunk:_:)``, so they
  /// sum as the fused paths do, and returns each value's cotangent when
  /// `wantCotangents` (else an empty array).
  ///
  /// `gradOutput` must already be checked against the output shape when
  /// `wantCotangents`; it is ignored otherwise.
  @inlinable
  func reduce<T: LossScalar>(
    _ values: [T], shape: [Int], gradOutput: Tensor<T>?,
    cotangents wantCotangents: Bool
  ) -> (output: Tensor<T>, cotangents: [T]) {
    let n = values.count
    var output = Tensor<T>(0)
    let cotangents = values.withUnsafeBufferPointer { source in
      Elementwise.output(n, if: wantCotangents) { c in
        output = evaluate(
          count: n, shape: shape,
          gradOutput: wantCotangents ? gradOutput : nil
        ) { start, count, v, g in
          guard let source = source.baseAddress else { return }
          v.initialize(from: source + start, count: count)
          (c.map { $0 + start })?.initialize(from: g, count: count)
        }
      }
    }
    return (output, cotangents ?? [])
  }
}
