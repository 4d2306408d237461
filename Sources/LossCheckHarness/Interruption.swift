import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SIGINT and SIGTERM for a run: the first one is recorded, every live
/// backend process group is killed at once, and the run winds down (cases
/// not yet answered come back as `interrupted` error results) so the
/// reports can still be written; a second signal exits at once.
///
/// The signals are taken with dispatch signal sources, so the handling code
/// runs on an ordinary queue thread, not in signal context: nothing in it
/// has to be async-signal-safe.
public enum Interruption {
  private static let recorded = Atomic<Int32>(0)
  private static let groups = Mutex<Set<Int32>>([])
  private static let installed = Mutex<[any DispatchSourceSignal]>([])

  /// The signal that asked the run to stop (SIGINT or SIGTERM), or nil.
  public static var requested: Int32? {
    let s = recorded.load(ordering: .acquiring)
    return s == 0 ? nil : s
  }

  /// The exit status for a run stopped by `requested`: 128 + the signal
  /// (130 for SIGINT, 143 for SIGTERM), or nil when no signal came.
  public static var exitStatus: Int32? { requested.map { 128 + $0 } }

  /// "SIGINT", "SIGTERM", or the number for another signal.
  public static func name(of sig: Int32) -> String {
    sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal \(sig)"
  }

  /// Takes SIGINT and SIGTERM over (once; later calls do nothing). Before
  /// this call, or in a process that never calls it, the signals keep
  /// their default action.
  public static func install() {
    installed.withLock { sources in
      guard sources.isEmpty else { return }
      for sig in [SIGINT, SIGTERM] {
        _ = signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(
          signal: sig, queue: .global())
        source.setEventHandler { received(sig) }
        source.resume()
        sources.append(source)
      }
    }
  }

  /// Records `sig` and kills every registered group; a second signal
  /// ends the process (the groups are killed first).
  static func received(_ sig: Int32) {
    let (first, _) = recorded.compareExchange(
      expected: 0, desired: sig, ordering: .acquiringAndReleasing)
    killAll()
    if !first { _exit(128 + sig) }
  }

  /// Test hook: behaves as if `sig` had been received.
  public static func simulate(_ sig: Int32) { received(sig) }

  /// Test hook: forgets a recorded signal.
  public static func reset() { recorded.store(0, ordering: .releasing) }

  /// Adds a live backend process group; it is killed if a signal comes
  /// (also when the signal came before the registration).
  public static func register(group: Int32) {
    groups.withLock { _ = $0.insert(group) }
    if requested != nil { _ = killpg(group, SIGKILL) }
  }

  /// Removes a group that its owner has stopped and reaped.
  public static func unregister(group: Int32) {
    groups.withLock { _ = $0.remove(group) }
  }

  /// Kills every registered group with SIGKILL (their owners reap them).
  public static func killAll() {
    let live = groups.withLock { $0 }
    for g in live { _ = killpg(g, SIGKILL) }
  }

  /// The process groups registered now (for tests and diagnostics).
  public static var liveGroups: Set<Int32> { groups.withLock { $0 } }
}
