#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a supervised program ended.
public enum ExitStatus: Equatable, CustomStringConvertible {
  /// It called exit (or returned from main) with this status.
  case exited(Int32)
  /// A signal ended it.
  case signaled(Int32)

  public var description: String {
    switch self {
    case .exited(let s): "the backend exited with status \(s)"
    case .signaled(let s): "the backend was killed by signal \(s)"
    }
  }
}

/// One backend program in a session (and process group) of its own, with
/// pipes for its standard input, output and error.
///
/// The program is spawned with `posix_spawn` and `POSIX_SPAWN_SETSID`, so
/// its process group id is its pid, and everything it starts (a shell's
/// children, a `timeout` wrapper's program) is in that group unless it
/// leaves it. `stop()` kills the whole group with SIGKILL and reaps the
/// program itself; it never waits for anything else (an orphaned
/// grandchild holding the pipes open cannot make it hang). The group is
/// registered with ``Interruption`` while it lives.
///
/// SIGINT, SIGTERM and SIGPIPE are reset to their default action in the
/// program, and its signal mask is cleared, whatever this process set.
public final class SupervisedProcess {
  /// The program's pid, which is also its session and process group id.
  public let pid: pid_t
  /// Our end of the program's standard input (non-blocking).
  public private(set) var stdinFD: Int32
  /// Our end of its standard output.
  public let stdoutFD: Int32
  /// Our end of its standard error.
  public let stderrFD: Int32
  /// How it ended, once known.
  public private(set) var exitStatus: ExitStatus?
  private var reaped = false

  /// glibc's POSIX_SPAWN_SETSID (declared only under _GNU_SOURCE, which
  /// the Swift Glibc module does not see).
  static let spawnSetSID: Int16 = 0x80

  /// What a write of the program's input came to.
  public enum WriteOutcome: Equatable {
    case done, timeout, closed, stopped
  }

  private init(pid: pid_t, stdin: Int32, stdout: Int32, stderr: Int32) {
    self.pid = pid
    self.stdinFD = stdin
    self.stdoutFD = stdout
    self.stderrFD = stderr
  }

  deinit { stop() }

  /// Starts `arguments[0]` (already resolved: see ``ProgramLookup``) with
  /// `arguments` as its argv and this process's environment with
  /// `environment`'s variables set on top. Throws a ``BackendStartError``
  /// naming the program when the spawn fails.
  public static func spawn(
    _ arguments: [String], environment: [String: String] = [:]
  ) throws(BackendStartError) -> SupervisedProcess {
    guard let program = arguments.first else {
      throw BackendStartError(program: "", reason: "empty command")
    }
    var inPipe: [Int32] = [-1, -1]
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    func closeAll() {
      for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) }
    }
    guard makePipe(&inPipe), makePipe(&outPipe), makePipe(&errPipe) else {
      let why = String(cString: strerror(errno))
      closeAll()
      throw BackendStartError(program: program, reason: "pipe: \(why)")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears close-on-exec on the copies 0, 1 and 2 only.
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP] {
      sigaddset(&defaults, s)
    }
    posix_spawnattr_setsigdefault(&attr, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attr, &empty)
    let flags =
      spawnSetSID | Int16(POSIX_SPAWN_SETSIGDEF)
      | Int16(POSIX_SPAWN_SETSIGMASK)
    posix_spawnattr_setflags(&attr, flags)

    var cArgs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    cArgs.append(nil)
    defer { for p in cArgs { free(p) } }
    var cEnv = mergedEnvironment(environment).map { strdup($0) }
    cEnv.append(nil)
    defer { for p in cEnv { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, program, &actions, &attr, cArgs, cEnv)
    guard rc == 0 else {
      closeAll()
      let why = rc == ENOENT ? "no such file" : String(cString: strerror(rc))
      throw BackendStartError(program: program, reason: why)
    }
    close(inPipe[0])
    close(outPipe[1])
    close(errPipe[1])
    _ = fcntl(inPipe[1], F_SETFL, fcntl(inPipe[1], F_GETFL) | O_NONBLOCK)
    let p = SupervisedProcess(
      pid: pid, stdin: inPipe[1], stdout: outPipe[0], stderr: errPipe[0])
    Interruption.register(group: pid)
    return p
  }

  /// This process's environment as NAME=VALUE strings, with `overrides`
  /// replacing or adding variables.
  private static func mergedEnvironment(_ overrides: [String: String])
    -> [String]
  {
    var out: [String] = []
    var p = environ
    while let entry = p.pointee {
      let text = String(cString: entry)
      let name = String(text.prefix { $0 != "=" })
      if overrides[name] == nil { out.append(text) }
      p += 1
    }
    for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
      out.append("\(name)=\(value)")
    }
    return out
  }

  /// A pipe whose two ends close on exec (pipe2 is not in the Swift Glibc
  /// module); only the dup2 copies in the program survive its exec.
  private static func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
  }

  /// Writes all of `bytes` to the program's input, giving up at
  /// `deadline` (monotonic seconds) or when `shouldStop` returns true.
  public func write(
    _ bytes: [UInt8], deadline: Double, shouldStop: () -> Bool = { false }
  ) -> WriteOutcome {
    guard stdinFD >= 0 else { return .closed }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes {
        posixWrite(
          stdinFD, $0.baseAddress.map { $0 + offset }, $0.count - offset)
      }
      if n > 0 {
        offset += n
        continue
      }
      if n < 0 && errno == EINTR { continue }
      guard n < 0 && errno == EAGAIN else { return .closed }
      if shouldStop() { return .stopped }
      let remaining = deadline - LineReader.monotonicSeconds()
      if !(remaining > 0) { return .timeout }
      var p = pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)
      _ = poll(&p, 1, Int32(max(1, min(remaining, 0.1) * 1000)))
    }
    return .done
  }

  /// How the program ended if it has ended within `seconds`, without
  /// reaping it (its pid, hence its group id, stays reserved until
  /// `stop()`), else nil.
  public func waitForExit(upTo seconds: Double) -> ExitStatus? {
    if let exitStatus { return exitStatus }
    let until = LineReader.monotonicSeconds() + seconds
    while true {
      var info = siginfo_t()
      let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
      if rc == 0 && info._sifields._sigchld.si_pid == pid {
        let status = info._sifields._sigchld.si_status
        exitStatus =
          info.si_code == Int32(CLD_EXITED)
          ? .exited(status) : .signaled(status)
        return exitStatus
      }
      if rc != 0 && errno != EINTR { return nil }
      if LineReader.monotonicSeconds() >= until { return nil }
      usleep(5_000)
    }
  }

  /// Kills the program's whole process group (SIGKILL), closes the pipes
  /// and reaps the program, then gives the rest of the group up to 0.1 s
  /// to vanish. Never blocks on anything but the program's own exit, and
  /// on that for at most 2 s. Safe to call more than once.
  public func stop() {
    guard !reaped else { return }
    reaped = true
    _ = killpg(pid, SIGKILL)
    for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
    stdinFD = -1
    let until = LineReader.monotonicSeconds() + 2
    var status: Int32 = 0
    while true {
      let rc = waitpid(pid, &status, WNOHANG)
      if rc == pid {
        if exitStatus == nil {
          let sig = status & 0x7f
          exitStatus =
            sig == 0
            ? .exited((status >> 8) & 0xff) : .signaled(sig)
        }
        break
      }
      if rc < 0 && errno != EINTR { break }
      if LineReader.monotonicSeconds() >= until { break }
      usleep(2_000)
    }
    // The rest of the group dies asynchronously; give it a moment (0.1 s
    // at most: a process stuck in the kernel, or a dead grandchild that
    // init has not reaped yet, is not waited for).
    let grace = LineReader.monotonicSeconds() + 0.1
    while kill(-pid, 0) == 0 && LineReader.monotonicSeconds() < grace {
      usleep(1_000)
    }
    Interruption.unregister(group: pid)
  }
}
