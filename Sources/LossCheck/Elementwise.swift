#if canImport(Glibc)
  import Glibc
#endif

/// Fused elementwise evaluation, shared by the losses that are a function of
/// each element alone (L1, MSE, Huber, SmoothL1, PoissonNLL, GaussianNLL,
/// KLDiv, BCE, BCEWithLogits, MarginRanking, HingeEmbedding, SoftMargin).
///
/// One pass over the elements computes each element's loss and writes its
/// gradients: the cotangent of every element is known before the pass
/// (`gradOutput / n` for `mean`, `gradOutput` for `sum`, the matching
/// element of `gradOutput` for `none`), so forward and backward share the
/// loads and no per-element intermediate is stored.
///
/// Summation is blocked and pairwise: the elements are cut into blocks of
/// ``Elementwise/blockSize``; a block's values go to a stack buffer and are
/// summed pairwise (``Elementwise/pairwiseSumInPlace(_:count:)``), and the
/// block sums are summed pairwise again (``accurateSum(_:)``). The error
/// stays O(log n · ε), and the grid of blocks does not depend on the thread
/// count, so the result is the same bits for any `Parallelism.threads`:
/// threads take contiguous runs of whole blocks, each writing only its own
/// block sums and elements.
@usableFromInline
enum Elementwise {
  /// Elements per block (4 KB of Float, 8 KB of Double: the block's values
  /// stay in L1 between being computed and being summed).
  @inlinable static var blockSize: Int { 1024 }

  /// Runs `kernel(start, count, values, cotangents)` over `0..<n` in
  /// blocks and returns the reduced output.
  ///
  /// The kernel must write the loss of elements `start ..< start + count`
  /// to `values[0 ..< count]`, and may write those elements' gradients to
  /// buffers it owns, scaled by their cotangents `cotangents[0 ..< count]`.
  /// For `none` `values` points into the output; for `mean`/`sum` it is a
  /// per-thread scratch block. Blocks may run concurrently, on disjoint
  /// ranges.
  ///
  /// `gradOutput` is the output's cotangent (ones when nil). Pass it only
  /// once it has been checked against the output shape (`checkGradOutput`),
  /// that is when some gradient is wanted; without it the cotangents are
  /// those of a unit output cotangent.
  ///
  /// - Returns: the unreduced values in `shape` for `none`; their pairwise
  ///   sum for `sum` (0 over zero elements); that sum over `n` for `mean`
  ///   (NaN over zero elements).
  @inlinable
  static func reduce<T: LossScalar>(
    count n: Int, shape: [Int], reduction: Reduction, gradOutput: Tensor<T>?,
    _ kernel: (
      _ start: Int, _ count: Int, _ values: UnsafeMutablePointer<T>,
      _ cotangents: UnsafePointer<T>
    ) -> Void
  ) -> Tensor<T> {
    let blocks = (n + blockSize - 1) / blockSize
    let minimumBlocks = max(1, (1 << 15) / blockSize)
    // The cotangent of every element, when it is one scalar.
    let uniform: T? =
      switch reduction {
      case .none: gradOutput?.scalars.count == n ? nil : 1
      case .sum: gradOutput?.scalars.first ?? 1
      case .mean, .batchmean: (gradOutput?.scalars.first ?? 1) / T(n)
      }
    let perElement = gradOutput?.scalars ?? []
    return perElement.withUnsafeBufferPointer { perElement in
      // Runs the blocks `range`, with `values(start)` the destination of
      // a block's values and `finish(b, values, count)` after each block.
      func run(
        _ range: Range<Int>, values: (Int) -> UnsafeMutablePointer<T>,
        finish: (Int, UnsafeMutablePointer<T>, Int) -> Void
      ) {
        withUnsafeTemporaryAllocation(of: T.self, capacity: blockSize) { fill in
          guard let fill = fill.baseAddress else { return }
          if let uniform { fill.initialize(repeating: uniform, count: blockSize) }
          for b in range {
            let start = b * blockSize
            let count = Swift.min(blockSize, n - start)
            let cotangents =
              uniform == nil
              ? (perElement.baseAddress.map { $0 + start } ?? UnsafePointer(fill))
              : UnsafePointer(fill)
            let v = values(start)
            kernel(start, count, v, cotangents)
            finish(b, v, count)
          }
        }
      }
      if reduction == .none {
        let values = FusedPass.array(count: n) { (out: UnsafeMutablePointer<T>) in
          Parallelism.forEachChunk(blocks, minimumChunk: minimumBlocks) { _, range in
            run(range, values: { out + $0 }, finish: { _, _, _ in })
          }
        }
        return Tensor(unchecked: shape, values)
      }
      let blockSums = [T](unsafeUninitializedCapacity: blocks) { sums, initialized in
        if let sums = sums.baseAddress {
          Parallelism.forEachChunk(blocks, minimumChunk: minimumBlocks) { _, range in
            withUnsafeTemporaryAllocation(of: T.self, capacity: blockSize) { scratch in
              guard let scratch = scratch.baseAddress else { return }
              run(range, values: { _ in scratch }) { b, v, count in
                sums[b] = pairwiseSumInPlace(v, count: count)
              }
            }
          }
        }
        initialized = blocks
      }
      let total = accurateSum(blockSums)
      if reduction == .sum { return Tensor(total) }
      return Tensor(n == 0 ? .nan : total / T(n))
    }
  }

  /// The pairwise sum of `p[0 ..< count]`, overwriting them.
  ///
  /// Each level adds the upper half onto the lower half elementwise
  /// (p[i] += p[i + count − h], h = ⌊count/2⌋; a middle element of an odd
  /// count waits for the next level), which is a plain vectorizable loop
  /// with no reassociation; the last 16 or fewer partial sums go to
  /// ``accurateSum(_:)``. Every element takes part in about log₂(count)
  /// additions: the error is O(log n · ε) as in any pairwise sum.
  @inlinable
  static func pairwiseSumInPlace<T: LossScalar>(
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
    return accurateSum(UnsafeBufferPointer(start: p, count: length))
  }

  /// An array of `n` elements that `body` initializes, every element,
  /// through the pointer it is given; or, when `wanted` is false, nil
  /// (`body` then gets a nil pointer). `body` always runs exactly once.
  ///
  /// Lets a fused kernel write each requested gradient straight into its
  /// final storage, with no zero-fill beforehand.
  @inlinable
  static func output<T: LossScalar>(
    _ n: Int, if wanted: Bool, _ body: (UnsafeMutablePointer<T>?) -> Void
  ) -> [T]? {
    guard wanted, n > 0 else {
      body(nil)  // not wanted, or n == 0: the kernel never runs
      return wanted ? [] : nil
    }
    return FusedPass.array(count: n) { body($0) }
  }
}

/// One block of a fused elementwise pass (``Elementwise/evaluate``): the
/// operands, the gradient destinations (nil when not asked for), the
/// block's values and its cotangents, all offset to the block's first
/// element, and `count` elements long.
@usableFromInline
struct ElementBlock<T: LossScalar> {
  /// The index of the block's first element.
  @usableFromInline let start: Int
  @usableFromInline let count: Int
  @usableFromInline let a: UnsafePointer<T>
  @usableFromInline let b: UnsafePointer<T>
  /// The third operand, when the loss has one.
  @usableFromInline let c: UnsafePointer<T>?
  @usableFromInline let da: UnsafeMutablePointer<T>?
  @usableFromInline let db: UnsafeMutablePointer<T>?
  @usableFromInline let dc: UnsafeMutablePointer<T>?
  /// Where the kernel writes the elements' losses.
  @usableFromInline let values: UnsafeMutablePointer<T>
  /// Each element's cotangent, by which its gradients are scaled.
  @usableFromInline let cotangents: UnsafePointer<T>

  @inlinable
  init(
    start: Int, count: Int, a: UnsafePointer<T>, b: UnsafePointer<T>,
    c: UnsafePointer<T>?,
    da: UnsafeMutablePointer<T>?, db: UnsafeMutablePointer<T>?,
    dc: UnsafeMutablePointer<T>?, values: UnsafeMutablePointer<T>,
    cotangents: UnsafePointer<T>
  ) {
    (self.start, self.count, self.a, self.b, self.c) = (start, count, a, b, c)
    (self.da, self.db, self.dc) = (da, db, dc)
    (self.values, self.cotangents) = (values, cotangents)
  }
}

extension Elementwise {
  /// The whole fused pass of a loss of two or three same-shaped operands
  /// (already broadcast to `shape`): allocates the gradients asked for in
  /// `wanted` (of `a`, `b`, `c`), runs `kernel` over the blocks
  /// (``reduce(count:shape:reduction:gradOutput:_:)``) and returns the
  /// reduced output and the gradients (nil where not wanted).
  ///
  /// `gradOutput` must already be checked against the output shape when
  /// any gradient is wanted; it is ignored otherwise.
  @inlinable
  static func evaluate<T: LossScalar>(
    _ a: [T], _ b: [T], _ c: [T]? = nil, wanted: (Bool, Bool, Bool),
    shape: [Int], reduction: Reduction, gradOutput: Tensor<T>?,
    _ kernel: (ElementBlock<T>) -> Void
  ) -> (output: Tensor<T>, gradients: ([T]?, [T]?, [T]?)) {
    let n = a.count
    let wantAny = wanted.0 || wanted.1 || wanted.2
    var reduced = Tensor<T>(0)
    var db: [T]? = nil
    var dc: [T]? = nil
    let da: [T]? = a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        (c ?? []).withUnsafeBufferPointer { c in
          let third = c.isEmpty ? nil : c.baseAddress
          return Elementwise.output(n, if: wanted.0) { dap in
            db = Elementwise.output(n, if: wanted.1) { dbp in
              dc = Elementwise.output(n, if: wanted.2) { dcp in
                reduced = reduce(
                  count: n, shape: shape, reduction: reduction,
                  gradOutput: wantAny ? gradOutput : nil
                ) { start, count, v, g in
                  guard let a = a.baseAddress, let b = b.baseAddress else { return }
                  kernel(
                    ElementBlock(
                      start: start, count: count, a: a + start, b: b + start,
                      c: third.map { $0 + start }, da: dap.map { $0 + start },
                      db: dbp.map { $0 + start }, dc: dcp.map { $0 + start },
                      values: v, cotangents: g))
                }
              }
            }
          }
        }
      }
    }
    return (reduced, (da, db, dc))
  }
}
