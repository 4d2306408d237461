import Foundation
import LossCheckHarness

/// Backends by the names `losscheck` accepts after `--backend`.
public enum Backends {
  public static let help = """
    reference (the Swift reference, the default); numpy (the NumPy \
    reference of scripts/, in-process through embedded Python); \
    python:MODULE (a Python module with evaluate(case: dict) -> dict, \
    in-process); exec:'CMD ARGS' (a program speaking the eval protocol on \
    stdin/stdout, started once); example:wrong-ce (the reference with a \
    planted bug, CrossEntropyLoss ignoring weight under mean: a demo).
    """

  public struct UnknownBackend: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
      "unknown backend '\(name)': expected reference, numpy, python:MODULE or exec:'CMD ARGS'"
    }
  }

  /// Makes the backend `name`. `goldenDirectory` locates scripts/ (its
  /// sibling) for the Python backends; `timeout` is per case for exec.
  public static func make(
    _ name: String, spec: Spec, goldenDirectory: String, timeout: Double = 30
  ) throws -> any LossBackend {
    let root = (goldenDirectory as NSString).deletingLastPathComponent
    let scripts = (root as NSString).appendingPathComponent("scripts")
    if name == "reference" { return ReferenceBackend(spec: spec) }
    if name == "example:wrong-ce" {
      return CrossEntropyIgnoringWeightUnderMean(reference: ReferenceBackend(spec: spec))
    }
    if name == "numpy" { return try PythonBackend.numpyReference(scriptsDirectory: scripts) }
    if name.hasPrefix("python:") {
      let module = String(name.dropFirst("python:".count))
      return try PythonBackend.module(
        module,
        searchPath: [
          FileManager.default.currentDirectoryPath, scripts,
          (scripts as NSString).appendingPathComponent("backends"),
        ])
    }
    if name.hasPrefix("exec:") {
      return ExecBackend(command: String(name.dropFirst("exec:".count)), timeout: timeout)
    }
    throw UnknownBackend(name: name)
  }
}
