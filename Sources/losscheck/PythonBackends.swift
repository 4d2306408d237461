import Foundation
import LossCheckHarness

#if Python
  import LossCheckPython
#endif

/// `--backend numpy` or `python:MODULE` asked of a `losscheck` built
/// without the package's Python trait, which has no embedded CPython.
struct PythonTraitMissing: Error, CustomStringConvertible {
  /// The backend as the user wrote it.
  var backend: String

  var description: String {
    "this losscheck was built without the Python trait: --backend "
      + "\(backend) needs embedded Python (libpython3-dev); rebuild with "
      + "`swift build --traits Python`"
  }
}

extension Backends {
  /// The embedded-Python backend `name` (`numpy` or `python:MODULE`): a
  /// supervised `losscheck python-worker` process, checked once (module
  /// imported) before it is returned. Without the Python trait it throws
  /// ``PythonTraitMissing``.
  static func pythonWorker(
    _ name: String, scripts: String, timeout: Double, startupTimeout: Double,
    workerExecutable: String?
  ) throws -> any LossBackend {
    #if Python
      let target: EmbeddedWorker.Target
      if name == "numpy" {
        target = .numpy(scripts: scripts)
      } else {
        let module = String(name.dropFirst("python:".count))
        target = .module(
          module,
          searchPath: [
            FileManager.default.currentDirectoryPath, scripts,
            (scripts as NSString).appendingPathComponent("backends"),
          ])
      }
      guard let exe = workerExecutable ?? EmbeddedWorker.currentExecutable
      else {
        throw BackendStartError(
          program: name, reason: "cannot locate the losscheck executable")
      }
      try WorkerCheck.run(
        EmbeddedWorker.arguments(executable: exe, target: target, check: true),
        name: name, seconds: startupTimeout + timeout)
      return ExecBackend(
        arguments: EmbeddedWorker.arguments(executable: exe, target: target),
        name: name, timeout: timeout, startupTimeout: startupTimeout,
        environment: EmbeddedWorker.environment)
    #else
      throw PythonTraitMissing(backend: name)
    #endif
  }
}

#if Python
  /// Runs a worker's `--check` once: it must exit with status 0 within the
  /// time given; otherwise its standard error is the reason in the error.
  enum WorkerCheck {
    static func run(_ arguments: [String], name: String, seconds: Double)
      throws(BackendStartError)
    {
      let p = try SupervisedProcess.spawn(
        arguments, environment: EmbeddedWorker.environment)
      defer { p.stop() }
      var reader = LineReader(fd: p.stdoutFD, drainFD: p.stderrFD)
      let until = LineReader.monotonicSeconds() + seconds
      var status: ExitStatus?
      while status == nil && LineReader.monotonicSeconds() < until {
        let outcome = reader.next(
          deadline: LineReader.monotonicSeconds() + 0.05)
        // Output closed: the worker is exiting (or handed it on); wait.
        let wait =
          outcome == .closed ? until - LineReader.monotonicSeconds() : 0
        status = p.waitForExit(upTo: max(0, wait))
      }
      reader.drainAvailable()
      let said = String(decoding: reader.stderrTail, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      switch status {
      case .exited(0)?: return
      case nil:
        throw BackendStartError(
          program: name,
          reason: "the Python worker did not start in \(seconds) s")
      case let s?:
        throw BackendStartError(
          program: name, reason: said.isEmpty ? s.description : said)
      }
    }
  }
#endif
