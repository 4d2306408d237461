import Dispatch
import Synchronization

/// How many threads the reference losses may use for one call.
///
/// The default is 1: results are then independent of the machine. With
/// more, large losses split their elements (or batch rows) into contiguous
/// chunks, one per thread; each chunk is reduced on its own and the partial
/// sums combined in chunk order, so a given thread count always gives the
/// same bits.
public enum Parallelism {
  private static let storage = Atomic<Int>(1)

  /// The maximum number of threads (at least 1).
  public static var threads: Int {
    get { storage.load(ordering: .relaxed) }
    set { storage.store(max(1, newValue), ordering: .relaxed) }
  }

  /// Splits `0..<count` into at most `threads` contiguous chunks of at least
  /// `minimumChunk` elements and runs `body(chunkIndex, range)` on each,
  /// concurrently when there is more than one. Returns the chunk count.
  @discardableResult
  public static func forEachChunk(
    _ count: Int, minimumChunk: Int = 1 << 15,
    _ body: (Int, Range<Int>) -> Void
  ) -> Int {
    let chunks = chunkCount(count, minimumChunk: minimumChunk)
    if chunks <= 1 {
      body(0, 0..<count)
      return 1
    }
    withoutActuallyEscaping(body) { body in
      // Each chunk writes only its own range; the caller owns that promise.
      nonisolated(unsafe) let run = body
      DispatchQueue.concurrentPerform(iterations: chunks) { k in
        run(k, chunkRange(k, of: chunks, count: count))
      }
    }
    return chunks
  }

  /// How many chunks `forEachChunk` uses for `count` elements.
  public static func chunkCount(_ count: Int, minimumChunk: Int = 1 << 15)
    -> Int
  {
    max(1, min(threads, count / max(1, minimumChunk)))
  }

  /// The `k`-th of `chunks` near-equal contiguous ranges of `0..<count`.
  public static func chunkRange(_ k: Int, of chunks: Int, count: Int) -> Range<
    Int
  > {
    let lo = count * k / chunks
    let hi = count * (k + 1) / chunks
    return lo..<hi
  }
}
