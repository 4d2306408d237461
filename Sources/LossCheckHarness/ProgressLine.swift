import Foundation
import Synchronization

/// Progress of a run on standard error: on a terminal one line redrawn in
/// place (at most ten times a second), otherwise a plain line about every
/// `interval` seconds. Thread-safe.
public final class ProgressLine: Sendable {
  private struct State {
    var lastShown: Double = -.infinity
    var shownAny = false
  }

  private let terminal: Bool
  private let interval: Double
  private let start: Double
  private let clock: @Sendable () -> Double
  private let sink: @Sendable (String) -> Void
  private let state = Mutex(State())

  /// `terminal` chooses the redrawn line; `clock` (seconds) and `sink`
  /// can be replaced for tests.
  public init(
    terminal: Bool, interval: Double = 10,
    clock: @escaping @Sendable () -> Double = ProgressLine.now,
    sink: @escaping @Sendable (String) -> Void = ProgressLine.standardError
  ) {
    self.terminal = terminal
    self.interval = interval
    self.clock = clock
    self.sink = sink
    self.start = clock()
    // The first line comes one gap after the start, not at once.
    let t = start
    state.withLock { $0.lastShown = t }
  }

  /// Whether standard error is a terminal.
  public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

  /// Monotonic seconds.
  public static func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }

  /// Writes to standard error, unbuffered.
  public static func standardError(_ s: String) {
    FileHandle.standardError.write(Data(s.utf8))
  }

  /// Shows `p` if it is time to (the last case is always shown).
  public func update(_ p: RunProgress) {
    let t = clock()
    let text: String? = state.withLock { s in
      let gap = terminal ? 0.1 : interval
      guard t - s.lastShown >= gap || p.done == p.total else { return nil }
      s.lastShown = t
      s.shownAny = true
      return line(p, elapsed: t - start)
    }
    guard let text else { return }
    sink(terminal ? "\r\u{1B}[K" + text : text + "\n")
  }

  /// Clears a terminal line (nothing otherwise), before the report prints.
  public func finish() {
    let shown = state.withLock { $0.shownAny }
    if terminal && shown { sink("\r\u{1B}[K") }
  }

  /// "120/3152 cases, 118 passed, 1 failed, 1 skipped, 4 s, ETA 1 min 40 s".
  public func line(_ p: RunProgress, elapsed: Double) -> String {
    var s =
      "\(p.done)/\(p.total) cases, \(p.passed) passed, \(p.failed) failed,"
      + " \(p.skipped) skipped, \(ProgressLine.duration(elapsed))"
    if p.done > 0 && p.done < p.total {
      let eta = elapsed / Double(p.done) * Double(p.total - p.done)
      s += ", ETA \(ProgressLine.duration(eta))"
    }
    return s
  }

  /// "45 s", "3 min 05 s", "1 h 02 min".
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let t = Int(seconds.rounded())
    if t < 60 { return "\(t) s" }
    if t < 3600 { return String(format: "%d min %02d s", t / 60, t % 60) }
    return String(format: "%d h %02d min", t / 3600, (t % 3600) / 60)
  }
}
