import Foundation
import LossCheckHarness

/// Backends by the names `losscheck` accepts after `--backend`.
public enum Backends {
  public static let help = """
    reference (the Swift reference, the default); numpy (the NumPy \
    reference of scripts/, through embedded Python in a supervised worker \
    process); python:MODULE (a Python module with evaluate(case: dict) -> \
    dict, in the same kind of worker); exec:'CMD ARGS' (a program speaking \
    the eval protocol on stdin/stdout, started once, in its own process \
    group); example:wrong-ce (the reference with a planted bug, \
    CrossEntropyLoss ignoring weight under mean: a demo).
    """

  public struct UnknownBackend: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
      "unknown backend '\(name)': expected reference, numpy, python:MODULE or exec:'CMD ARGS'"
    }
  }

  /// Makes the backend `name`. `goldenDirectory` locates scripts/ (its
  /// sibling) for the Python backends; `timeout` is per case and
  /// `startupTimeout` is added to the first case after each (re)start, for
  /// exec and Python backends.
  ///
  /// `python:` and `numpy` run in a worker process started from
  /// `workerExecutable` (a `losscheck` binary; default: this process's own
  /// executable). Before returning, an exec program is looked up and a
  /// Python worker imports its module once, so a missing program or a
  /// module that cannot be imported throws here (``BackendStartError``),
  /// not once per case.
  public static func make(
    _ name: String, spec: Spec, goldenDirectory: String, timeout: Double = 30,
    startupTimeout: Double = 10, workerExecutable: String? = nil
  ) throws -> any LossBackend {
    let root = (goldenDirectory as NSString).deletingLastPathComponent
    let scripts = (root as NSString).appendingPathComponent("scripts")
    if name == "reference" { return ReferenceBackend(spec: spec) }
    if name == "example:wrong-ce" {
      return CrossEntropyIgnoringWeightUnderMean(reference: ReferenceBackend(spec: spec))
    }
    let target: EmbeddedWorker.Target
    if name == "numpy" {
      target = .numpy(scripts: scripts)
    } else if name.hasPrefix("python:") {
      let module = String(name.dropFirst("python:".count))
      target = .module(
        module,
        searchPath: [
          FileManager.default.currentDirectoryPath, scripts,
          (scripts as NSString).appendingPathComponent("backends"),
        ])
    } else if name.hasPrefix("exec:") {
      let backend = ExecBackend(
        command: String(name.dropFirst("exec:".count)), timeout: timeout,
        startupTimeout: startupTimeout)
      try backend.checkProgram()
      return backend
    } else {
      throw UnknownBackend(name: name)
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
  }
}

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
      let outcome = reader.next(deadline: LineReader.monotonicSeconds() + 0.05)
      // Output closed: the worker is exiting (or handed it on); wait.
      let wait = outcome == .closed ? until - LineReader.monotonicSeconds() : 0
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
