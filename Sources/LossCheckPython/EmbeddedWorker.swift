// Compiled only with the package's Python trait (Package.swift), so that
// a build without it needs no libpython.
#if Python

  import LossCheckHarness

  #if canImport(Glibc)
    import Glibc
  #endif

  /// The supervised worker process behind `--backend python:MODULE` and
  /// `--backend numpy`: `losscheck` runs itself again as
  /// `losscheck python-worker …`, and drives that process as an
  /// ``ExecBackend``, so a crash, `os._exit`, a segfault or an endless loop
  /// in the module costs only the case it happened on.
  public enum EmbeddedWorker {
    /// What the worker serves.
    public enum Target: Sendable, Equatable {
      /// The NumPy reference of this `scripts` directory.
      case numpy(scripts: String)
      /// A module with `evaluate(case) -> dict`, imported after prepending
      /// these directories to `sys.path`.
      case module(String, searchPath: [String])
    }

    /// The command line that starts a worker for `target` with the
    /// `losscheck` executable at `executable`; `check` makes it import the
    /// module and exit (status 0, or 2 with the reason on standard error).
    public static func arguments(
      executable: String, target: Target, check: Bool = false
    ) -> [String] {
      var args = [executable, "python-worker"]
      switch target {
      case .numpy(let scripts): args += ["--numpy", "--scripts", scripts]
      case .module(let name, let searchPath):
        args += ["--module", name]
        for p in searchPath { args += ["--path", p] }
      }
      if check { args.append("--check") }
      return args
    }

    /// Variables set for the worker: no Swift crash backtrace (a crash in
    /// the module is the module's: Python's fault handler, which the worker
    /// enables, prints the Python stack on standard error instead).
    public static let environment = ["SWIFT_BACKTRACE": "enable=no"]

    /// The path of the running executable (/proc/self/exe resolved), or
    /// nil when it cannot be read.
    public static var currentExecutable: String? {
      var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = readlink("/proc/self/exe", &buf, buf.count - 1)
      guard n > 0 else { return nil }
      return String(
        decoding: buf[0..<n].map { UInt8(bitPattern: $0) },
        as: UTF8.self)
    }

    /// The worker's main loop; returns the process's exit status.
    ///
    /// The protocol's output is a copy of file descriptor 1 taken first;
    /// descriptor 1 is then pointed at standard error, so whatever the
    /// module prints (print(), C-level writes) goes to standard error and
    /// never into a result line. Then the module is imported (a failure:
    /// the reason on standard error, status 2) and each input line is
    /// answered with the module's returned dict as JSON text, one line each.
    public static func serve(_ target: Target, checkOnly: Bool) -> Int32 {
      let out = dup(1)
      guard out >= 0, dup2(2, 1) >= 0 else {
        report("cannot set up the protocol output")
        return 2
      }
      _ = fcntl(out, F_SETFD, FD_CLOEXEC)
      let backend: PythonBackend
      do {
        switch target {
        case .numpy(let scripts):
          backend = try PythonBackend.numpyReference(scriptsDirectory: scripts)
        case .module(let name, let searchPath):
          backend = try PythonBackend.module(name, searchPath: searchPath)
        }
      } catch {
        report(error.description)
        return 2
      }
      if checkOnly { return 0 }
      PythonBackend.enableFaultHandler()
      var reader = LineReader(fd: 0)
      while case .line(let bytes) = reader.next(deadline: .infinity) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
          continue
        }
        let text =
          backend.answer(line: line) ?? JSONWriter.write(Self.callFailed.json)
        guard writeAll(out, text + "\n") else { return 1 }
      }
      return 0
    }

    /// The answer when the Python call itself failed (no result line).
    private static let callFailed = CaseResult(
      id: "",
      outcome: .error(
        kind: .harness(.backendError), message: "the Python call failed"))

    private static func report(_ message: String) {
      _ = writeAll(2, "losscheck python-worker: \(message)\n")
    }

    private static func writeAll(_ fd: Int32, _ s: String) -> Bool {
      var s = s
      return s.withUTF8 { buf in
        var offset = 0
        while offset < buf.count {
          let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { return false }
          offset += n
        }
        return true
      }
    }
  }

#endif
