import Foundation
import LossCheckHarness
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The answer reader splits lines correctly however the bytes arrive.
@Suite struct LineReaderTests {
  /// A reader over a pipe that already holds `chunks` (written in that
  /// many writes) and is closed.
  func reader(_ chunks: [String]) -> (LineReader, Int32) {
    var fds: [Int32] = [-1, -1]
    #expect(pipe(&fds) == 0)
    for c in chunks {
      var c = c
      c.withUTF8 { b in _ = write(fds[1], b.baseAddress, b.count) }
    }
    close(fds[1])
    return (LineReader(fd: fds[0]), fds[0])
  }

  func lines(_ chunks: [String]) -> [String] {
    var (r, fd) = reader(chunks)
    defer { close(fd) }
    var out: [String] = []
    let deadline = LineReader.monotonicSeconds() + 5
    while case .line(let b) = r.next(deadline: deadline) {
      out.append(String(decoding: b, as: UTF8.self))
    }
    return out
  }

  @Test func linesSplitAcrossWritesAndSeveralPerWrite() {
    #expect(
      lines(["ab", "c\nde", "f\n\ng\r\n", "tail"]) == [
        "abc", "def", "", "g\r",
      ])
  }

  @Test func anUnfinishedLineAtEndOfFileIsClosedNotALine() {
    var (r, fd) = reader(["no newline"])
    defer { close(fd) }
    #expect(r.next(deadline: LineReader.monotonicSeconds() + 5) == .closed)
  }

  @Test func silenceIsATimeoutAndAStopRequestIsHonoured() {
    var fds: [Int32] = [-1, -1]
    #expect(pipe(&fds) == 0)
    defer { close(fds[0]); close(fds[1]) }
    var r = LineReader(fd: fds[0])
    let start = LineReader.monotonicSeconds()
    #expect(r.next(deadline: start + 0.2) == .timeout)
    #expect(LineReader.monotonicSeconds() - start < 2)
    #expect(
      r.next(deadline: start + 60, shouldStop: { true }) == .stopped)
    // A NaN deadline (from a NaN timeout) must not wait forever.
    #expect(r.next(deadline: .nan) == .timeout)
  }
}
