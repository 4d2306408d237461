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
  /// not once per case. A `losscheck` built without the Python trait
  /// throws ``PythonTraitMissing`` for `numpy` and `python:`.
  public static func make(
    _ name: String, spec: Spec, goldenDirectory: String, timeout: Double = 30,
    startupTimeout: Double = 10, workerExecutable: String? = nil
  ) throws -> any LossBackend {
    let root = (goldenDirectory as NSString).deletingLastPathComponent
    let scripts = (root as NSString).appendingPathComponent("scripts")
    if name == "reference" { return ReferenceBackend(spec: spec) }
    if name == "example:wrong-ce" {
      return CrossEntropyIgnoringWeightUnderMean(
        reference: ReferenceBackend(spec: spec))
    }
    if name == "numpy" || name.hasPrefix("python:") {
      return try pythonWorker(
        name, scripts: scripts, timeout: timeout,
        startupTimeout: startupTimeout, workerExecutable: workerExecutable)
    }
    if name.hasPrefix("exec:") {
      let backend = ExecBackend(
        command: String(name.dropFirst("exec:".count)), timeout: timeout,
        startupTimeout: startupTimeout)
      try backend.checkProgram()
      return backend
    }
    throw UnknownBackend(name: name)
  }
}
