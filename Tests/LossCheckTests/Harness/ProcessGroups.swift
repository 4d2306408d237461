import Foundation

/// Test helpers about process groups.
enum ProcessGroups {
  /// The processes of group `pgid` that are not zombies (from /proc): a
  /// killed grandchild, re-parented to init, stays a zombie until init
  /// reaps it, which here can take a second; it is dead all the same.
  static func liveMembers(_ pgid: Int32) -> [Int32] {
    let fm = FileManager.default
    let entries = (try? fm.contentsOfDirectory(atPath: "/proc")) ?? []
    var live: [Int32] = []
    for e in entries {
      guard let pid = Int32(e),
        let stat = try? String(
          contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // After "pid (comm)": state, ppid, pgrp, ...
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 2, Int32(fields[2]) == pgid, fields[0] != "Z"
      else { continue }
      live.append(pid)
    }
    return live
  }

  /// True when no live process is left in group `pgid` within 2 s (a
  /// SIGKILLed process takes a moment to die).
  static func isGone(_ pgid: Int32) -> Bool {
    let until = Date().addingTimeInterval(2)
    while Date() < until {
      if liveMembers(pgid).isEmpty { return true }
      usleep(10_000)
    }
    return false
  }
}
