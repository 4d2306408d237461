import LossCheckHarness
import Synchronization
import Testing

/// The progress line: redrawn in place on a terminal, a line about every
/// 10 s otherwise.
@Suite struct ProgressLineTests {
  final class Clock: Sendable {
    let now = Mutex(0.0)
    let out = Mutex([String]())
  }

  static func counts(_ done: Int) -> RunProgress {
    RunProgress(done: done, total: 100, passed: done - 1, failed: 1, skipped: 0)
  }

  @Test func notATerminalPrintsALineAboutEveryTenSeconds() {
    let c = Clock()
    let p = ProgressLine(
      terminal: false, clock: { c.now.withLock { $0 } },
      sink: { s in c.out.withLock { $0.append(s) } })
    for done in 1...99 {
      c.now.withLock { $0 = Double(done) * 0.5 }
      p.update(Self.counts(done))
    }
    let lines = c.out.withLock { $0 }
    // 49.5 s of run: lines at 10, 20, 30, 40 s.
    #expect(lines.count == 4)
    #expect(
      lines.first
        == "20/100 cases, 19 passed, 1 failed, 0 skipped, 10 s, ETA 40 s\n")
    p.update(Self.counts(100))
    #expect(c.out.withLock { $0.count } == 5)
  }

  @Test func aTerminalRedrawsOneLine() {
    let c = Clock()
    let p = ProgressLine(
      terminal: true, clock: { c.now.withLock { $0 } },
      sink: { s in c.out.withLock { $0.append(s) } })
    c.now.withLock { $0 = 1 }
    p.update(Self.counts(50))
    p.finish()
    let out = c.out.withLock { $0 }
    #expect(out.first?.hasPrefix("\r\u{1B}[K50/100 cases") == true)
    #expect(out.last == "\r\u{1B}[K")
  }

  @Test func durationsRead() {
    #expect(ProgressLine.duration(45) == "45 s")
    #expect(ProgressLine.duration(185) == "3 min 05 s")
    #expect(ProgressLine.duration(3720) == "1 h 02 min")
  }
}
