import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Test helpers about process groups.
enum ProcessGroups {
  /// True when no process is left in group `pgid` within 2 s (a SIGKILLed
  /// process takes a moment to be gone).
  static func isGone(_ pgid: Int32) -> Bool {
    let until = Date().addingTimeInterval(2)
    while Date() < until {
      if kill(-pgid, 0) != 0 && errno == ESRCH { return true }
      usleep(10_000)
    }
    return false
  }
}
