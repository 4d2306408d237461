#if canImport(Glibc)
  import Glibc
#endif

/// Fused elementwise evaluation, shared by the losses that are a function of
/// each element alone (L1, MSE, Huber, SmoothL1, PoissonNLL, GaussianNLL,
/// KLDiv, BCE, BCEWithLogits, MarginRanking, HingeEmbedding, SoftMargin).
///
/// One pass over the elements computes each element's loss and writes its
/// gradients, in the blocks of ``Reduction``'s `evaluate`, which owns the
/// cotangents and the blocked pairwise sum: forward and backward share the
/// loads and no per-element intermediate is stored.
@usableFromInline
enum Elementwise {
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
  /// (``Reduction``'s `evaluate`) and returns the reduced output and the
  /// gradients (nil where not wanted).
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
                reduced = reduction.evaluate(
                  count: n, shape: shape,
                  gradOutput: wantAny ? gradOutput : nil
                ) { start, count, v, g in
                  guard let a = a.baseAddress, let b = b.baseAddress else {
                    return
                  }
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
