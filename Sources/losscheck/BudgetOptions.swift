import ArgumentParser
import LossCheckHarness

/// `--max-elements`: the work budget of the Swift reference per case.
struct BudgetOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Most elements the Swift reference may allocate for one case.",
      discussion: """
        Output, gradients, broadcast copies and each loss's scratch, \
        estimated before the loss runs; a case over it gets a \
        resource_limit error result and the run goes on. Default 2^29 \
        (at most 4 GiB).
        """))
  var maxElements = WorkBudget.defaultMaxElements

  func validate() throws {
    guard maxElements > 0 else {
      throw ValidationError(
        "--max-elements must be a positive count, not \(maxElements)")
    }
  }

  /// The budget the options ask for.
  var budget: WorkBudget { WorkBudget(maxElements: maxElements) }
}
