#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads newline-separated lines from a byte source in fixed-size chunks,
/// holding at most `maxLineBytes` of any line: the rest of a longer line
/// is read and dropped as it streams past, and the line is reported as
/// too long with its full length.
///
/// Memory is the chunk plus at most `maxLineBytes` (never a whole
/// over-long line, and never an old and a new copy of more than that
/// while the line's buffer grows), and each byte is looked at once, so
/// any input runs in linear time.
public struct BoundedLineReader {
  /// One line of input.
  public enum Line: Equatable, Sendable {
    /// A line without its "\n" (a "\r" before it is kept).
    case line([UInt8])
    /// A line longer than the limit, dropped; its length without "\n".
    case tooLong(byteCount: Int)
  }

  /// Lines longer than this are dropped and reported as too long.
  public let maxLineBytes: Int
  /// Fills a buffer and returns the bytes written: 0 at the end of input,
  /// negative on an error (treated as the end).
  let source: (UnsafeMutableRawBufferPointer) -> Int
  var chunk: [UInt8]
  var start = 0
  var end = 0
  var finished = false
  /// False when the last line returned had no "\n" (the input ended
  /// inside it): a truncated file.
  public private(set) var lastLineEndedWithNewline = true

  /// A reader of `source` (see ``source``) with chunks of `chunkSize`.
  public init(
    maxLineBytes: Int, chunkSize: Int = 1 << 16,
    source: @escaping (UnsafeMutableRawBufferPointer) -> Int
  ) {
    self.maxLineBytes = max(0, maxLineBytes)
    self.source = source
    self.chunk = [UInt8](repeating: 0, count: max(1, chunkSize))
  }

  /// A reader of an open file descriptor (retrying reads that a signal
  /// interrupts).
  public init(fileDescriptor fd: Int32, maxLineBytes: Int) {
    self.init(maxLineBytes: maxLineBytes) { buffer in
      while true {
        let n = read(fd, buffer.baseAddress, buffer.count)
        if n < 0 && errno == EINTR { continue }
        return n
      }
    }
  }

  /// The next line, or nil at the end of input. A last line without a
  /// "\n" is returned too; an empty input has no lines.
  public mutating func next() -> Line? {
    var line: [UInt8] = []
    var length = 0
    var sawBytes = false
    while true {
      if start == end {
        if finished || !refill() { break }
      }
      sawBytes = true
      let newline = newlineIndex()
      let stop = newline ?? end
      append(start..<stop, to: &line, length: &length)
      if let newline {
        start = newline + 1
        return finish(line, length)
      }
      start = end
    }
    guard sawBytes else { return nil }
    lastLineEndedWithNewline = false
    return finish(line, length)
  }

  /// The index of the first "\n" in `chunk[start..<end]` (memchr: fast
  /// in any build).
  func newlineIndex() -> Int? {
    chunk.withUnsafeBytes { raw -> Int? in
      guard let base = raw.baseAddress else { return nil }
      guard let hit = memchr(base + start, 0x0A, end - start) else {
        return nil
      }
      return UnsafeRawPointer(hit) - base
    }
  }

  /// Reads the next chunk; false at the end of input.
  mutating func refill() -> Bool {
    let n = chunk.withUnsafeMutableBytes { source($0) }
    guard n > 0 else {
      finished = true
      return false
    }
    (start, end) = (0, n)
    return true
  }

  /// Keeps `range` of the chunk while the line is within the limit.
  mutating func append(
    _ range: Range<Int>, to line: inout [UInt8], length: inout Int
  ) {
    length += range.count
    guard length <= maxLineBytes else {
      // Past the limit: free what was kept, keep counting.
      if !line.isEmpty { line = [] }
      return
    }
    if line.count + range.count > line.capacity {
      // Grow by doubling, but once that passes half the limit, straight to
      // the limit: a growth copies the old buffer into the new one while
      // both exist, so the last copy moves at most half the limit and the
      // two never hold more than the limit together (doubling up to just
      // below the limit and then to it would hold about twice the limit).
      let doubled = max(2 * line.capacity, line.count + range.count)
      line.reserveCapacity(
        doubled > maxLineBytes / 2 ? maxLineBytes : doubled)
    }
    line.append(contentsOf: chunk[range])
  }

  func finish(_ line: [UInt8], _ length: Int) -> Line {
    length > maxLineBytes ? .tooLong(byteCount: length) : .line(line)
  }
}
