import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

extension LossCheckCommand {
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Answer cases on standard input with the Swift reference.",
      discussion: """
        The eval protocol of CASE_SCHEMA.md: reads JSON Lines on standard \
        input, one case per line (an `expected` field is ignored), and \
        writes exactly one result line per case, in order, flushed after \
        each:

          {"id": ..., "output": T, "grads": {"input": T}}
          {"id": ..., "error": {"kind": K, "message": M}}

        A line that is not a valid case gets an error result naming the \
        field at fault, and the stream goes on. Blank lines are skipped.

        Example:
          head -3 golden/L1Loss.jsonl | losscheck eval
        """)

    @OptionGroup var goldenOptions: GoldenOptions

    @OptionGroup var budgetOptions: BudgetOptions

    func run() throws {
      let spec = try Spec.load(
        goldenDirectory: GoldenCorpus.locate(goldenOptions.golden))
      let backend = ReferenceBackend(spec: spec, budget: budgetOptions.budget)
      try EvalLoop.run(backend: backend)
    }
  }
}
