#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads newline-terminated lines from a file descriptor with a deadline,
/// in time linear in the bytes read.
///
/// The buffer keeps a head index (the start of the unread bytes) instead of
/// removing consumed bytes from the front, and remembers how far it has
/// already looked for a newline, so every byte is scanned once; consumed
/// bytes are dropped only when they are at least half the buffer (amortised
/// O(1) per byte).
///
/// A line longer than `maxLineBytes` is never held whole: once the bytes
/// of a line without a newline pass the limit they are dropped, the rest
/// of the line is counted and dropped as it arrives, and the line comes
/// back as `.tooLong` with its length, so the next line is read as usual.
/// The buffer then holds at most about twice `maxLineBytes` plus one read
/// (64 KiB) (``peakBufferedBytes``).
///
/// While waiting it also drains a second descriptor (a backend's standard
/// error) into a bounded tail, so a chatty program cannot block on a full
/// pipe while we wait for its answer.
public struct LineReader {
  /// What one `next(deadline:)` call found.
  public enum Outcome: Equatable {
    /// A line, without its `\n` (a trailing `\r` is kept).
    case line([UInt8])
    /// A line longer than `maxLineBytes`, read past and dropped: its length
    /// without the `\n`.
    case tooLong(byteCount: Int)
    /// The deadline passed with no complete line.
    case timeout
    /// End of file or a read error before a complete line.
    case closed
    /// `shouldStop` returned true while waiting.
    case stopped
  }

  /// The descriptor lines are read from (not owned: never closed here).
  public let fd: Int32
  /// A descriptor drained into `stderrTail` while waiting, or -1.
  public let drainFD: Int32
  /// The last bytes read from `drainFD`, at most `tailLimit` of them.
  public private(set) var stderrTail: [UInt8] = []
  /// How many bytes of `drainFD` output `stderrTail` keeps.
  public let tailLimit: Int
  /// Lines longer than this (without their `\n`) are dropped as they
  /// stream past and reported as `.tooLong`.
  public let maxLineBytes: Int

  /// Bytes this reader has examined or moved so far: searched for a
  /// newline, plus copied when the buffer is compacted. Linear in the
  /// bytes read (each byte is searched once and moved O(1) times), which a
  /// test checks instead of timing the reader.
  public private(set) var bytesTouched = 0

  /// The most bytes the buffer has held at once (which a test checks to
  /// see that an over-long line is never held whole).
  public private(set) var peakBufferedBytes = 0

  private var buffer: [UInt8] = []
  private var head = 0
  private var scanned = 0
  private var drainOpen: Bool
  /// Bytes of an over-long line dropped so far (its start is gone).
  private var dropped = 0
  /// Whether the line being read is over the limit and being dropped.
  private var dropping = false

  /// A reader of `fd`; `drainFD` (or -1) is drained while waiting. Lines
  /// longer than `maxLineBytes` (values below 0 are read as 0) come back
  /// as `.tooLong`.
  public init(
    fd: Int32, drainFD: Int32 = -1, tailLimit: Int = 4096,
    maxLineBytes: Int = .max
  ) {
    self.fd = fd
    self.drainFD = drainFD
    self.tailLimit = tailLimit
    self.maxLineBytes = max(0, maxLineBytes)
    self.drainOpen = drainFD >= 0
  }

  /// The next line, waiting until `deadline` (a `monotonicSeconds()`
  /// value). `shouldStop` is checked at least every `slice` seconds while
  /// waiting. Lines already buffered are returned without waiting.
  public mutating func next(
    deadline: Double, slice: Double = 0.1,
    shouldStop: () -> Bool = { false }
  ) -> Outcome {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      if let line = takeLine() { return line }
      if shouldStop() { return .stopped }
      let remaining = deadline - LineReader.monotonicSeconds()
      // `!(… > 0)`: a NaN deadline is a timeout, not an endless wait.
      if !(remaining > 0) { return .timeout }
      let waitMs = Int32(max(1, min(remaining, slice) * 1000))
      var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
      if drainOpen {
        fds.append(pollfd(fd: drainFD, events: Int16(POLLIN), revents: 0))
      }
      let ready = poll(&fds, nfds_t(fds.count), waitMs)
      if ready < 0 {
        if errno == EINTR { continue }
        return .closed
      }
      if ready == 0 { continue }
      if fds.count > 1 && fds[1].revents != 0 { drain(&chunk) }
      if fds[0].revents == 0 { continue }
      let n = chunk.withUnsafeMutableBytes {
        read(fd, $0.baseAddress, $0.count)
      }
      if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
      if n <= 0 { return .closed }
      compactIfWorthIt()
      buffer.append(contentsOf: chunk[0..<n])
      peakBufferedBytes = max(peakBufferedBytes, buffer.count)
    }
  }

  /// Reads what `drainFD` has now without blocking (e.g. after the
  /// program exited, to collect its last words).
  public mutating func drainAvailable() {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while drainOpen {
      var p = pollfd(fd: drainFD, events: Int16(POLLIN), revents: 0)
      guard poll(&p, 1, 0) > 0 else { return }
      drain(&chunk)
    }
  }

  private mutating func drain(_ chunk: inout [UInt8]) {
    let n = chunk.withUnsafeMutableBytes {
      read(drainFD, $0.baseAddress, $0.count)
    }
    if n < 0 && (errno == EINTR || errno == EAGAIN) { return }
    if n <= 0 {
      drainOpen = false
      return
    }
    stderrTail.append(contentsOf: chunk[0..<n])
    if stderrTail.count > 2 * tailLimit {
      stderrTail.removeFirst(stderrTail.count - tailLimit)
    }
  }

  /// A complete line from the buffer (or the end of an over-long one),
  /// scanning only bytes not yet scanned; nil when no line is complete.
  private mutating func takeLine() -> Outcome? {
    let from = max(scanned, head)
    let found = buffer.withUnsafeBufferPointer { b -> Int? in
      guard from < b.count, let base = b.baseAddress,
        let hit = memchr(base + from, 0x0A, b.count - from)
      else { return nil }
      return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
    guard let nl = found else {
      bytesTouched += max(0, buffer.count - from)
      scanned = buffer.count
      dropIfTooLong()
      return nil
    }
    bytesTouched += nl + 1 - from
    let length = dropped + nl - head
    let line: Outcome =
      dropping || length > maxLineBytes
      ? .tooLong(byteCount: length) : .line(Array(buffer[head..<nl]))
    dropping = false
    dropped = 0
    head = nl + 1
    scanned = head
    if head == buffer.count {
      buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
      head = 0
      scanned = 0
    }
    return line
  }

  /// Drops the unread bytes (a line with no newline yet) once they are
  /// over the limit, counting them, so an over-long line is never held.
  private mutating func dropIfTooLong() {
    let pending = buffer.count - head
    guard dropping || pending > maxLineBytes else { return }
    dropping = true
    dropped += pending
    buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
    head = 0
    scanned = 0
  }

  /// Drops consumed bytes once they are at least half the buffer, so the
  /// copy is paid for by the reads that consumed them.
  private mutating func compactIfWorthIt() {
    guard head > 0, head * 2 >= buffer.count else { return }
    bytesTouched += buffer.count - head
    buffer.removeSubrange(0..<head)
    scanned -= head
    head = 0
  }

  /// Seconds on a monotonic clock (for deadlines).
  public static func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}
