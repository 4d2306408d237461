import Foundation
import LossCheckHarness
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A supervised program leads its own process group, and `stop()` kills
/// all of it: the program and what it started. In ExecBackendTests, which
/// is serialized, so that its simulated interruption (which kills every
/// registered group) cannot run at the same time.
extension ExecBackendTests {
  @Test func stopKillsTheProgramAndItsChildren() throws {
    let p = try SupervisedProcess.spawn([
      "/bin/sh", "-c", "sleep 1000 & sleep 1000 & wait",
    ])
    #expect(getpgid(p.pid) == p.pid)
    #expect(getsid(p.pid) == p.pid)
    #expect(Interruption.liveGroups.contains(p.pid))
    // The shell and its two sleeps, once they are running.
    let until = Date().addingTimeInterval(5)
    while ProcessGroups.liveMembers(p.pid).count < 3 && Date() < until {
      usleep(10_000)
    }
    #expect(ProcessGroups.liveMembers(p.pid).count == 3)
    p.stop()
    #expect(ProcessGroups.isGone(p.pid))
    #expect(p.exitStatus == .signaled(SIGKILL))
    #expect(!Interruption.liveGroups.contains(p.pid))
  }

  @Test func theExitStatusIsKnownWithoutReaping() throws {
    let p = try SupervisedProcess.spawn(["/bin/sh", "-c", "exit 7"])
    #expect(p.waitForExit(upTo: 5) == .exited(7))
    p.stop()
    #expect(p.exitStatus == .exited(7))
  }

  @Test func aMissingProgramIsATypedError() {
    #expect(throws: BackendStartError.self) {
      _ = try SupervisedProcess.spawn(["/nonexistent/program"])
    }
  }
}
