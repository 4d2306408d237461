import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

@main
struct LossCheckCommand: ParsableCommand {
  /// The subcommands; the hidden Python worker only with the Python trait.
  static var subcommands: [any ParsableCommand.Type] {
    var all: [any ParsableCommand.Type] = [
      Run.self, Eval.self, List.self, Fuzz.self, Bench.self, Merge.self,
    ]
    #if Python
      all.append(PythonWorker.self)
    #endif
    return all
  }

  static let configuration = CommandConfiguration(
    commandName: "losscheck",
    abstract: "A conformance suite and reference oracle for PyTorch's losses.",
    discussion: """
      LossCheck checks an implementation of torch.nn's 21 loss functions \
      against golden cases written by an independent NumPy reference \
      (golden/<Loss>.jsonl, one case per line; see CASE_SCHEMA.md). Every \
      case carries inputs, options, a cotangent and PyTorch's output and \
      gradients, or the error PyTorch raises.

      With no subcommand, `losscheck` runs every golden case through the \
      Swift reference (`losscheck run`).

      The golden directory is found by walking up from the current \
      directory to golden/spec.json; --golden names another.
      """,
    version: LossCheckVersion.string,
    subcommands: subcommands,
    defaultSubcommand: Run.self
  )
}
