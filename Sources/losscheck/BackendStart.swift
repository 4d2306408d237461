import ArgumentParser
import Foundation
import LossCheckHarness

/// Makes the `--backend` of a subcommand, turning a backend that cannot
/// start into one message on standard error and exit status 2.
enum BackendStart {
  /// `Backends.make` with the given timeouts, wrapped (unless it is an
  /// exec backend, which checks by itself) so that it answers
  /// `interrupted` once a signal came, and held to `budget` (the Swift
  /// reference's work per case). A ``BackendStartError`` or
  /// ``PythonTraitMissing`` is reported as "losscheck: cannot start
  /// backend …" and `ExitCode(2)` thrown instead.
  static func make(
    _ name: String, spec: Spec, goldenDirectory: String,
    timeouts: TimeoutOptions, budget: WorkBudget
  ) throws -> any LossBackend {
    do {
      let backend = try Backends.make(
        name, spec: spec, goldenDirectory: goldenDirectory,
        timeout: timeouts.timeout, startupTimeout: timeouts.startupTimeout)
      return budget.applied(
        to: backend is ExecBackend ? backend : InterruptibleBackend(backend))
    } catch let e as BackendStartError {
      FileHandle.standardError.write(Data("losscheck: \(e)\n".utf8))
      throw ExitCode(2)
    } catch let e as PythonTraitMissing {
      FileHandle.standardError.write(Data("losscheck: \(e)\n".utf8))
      throw ExitCode(2)
    }
  }
}
