import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

extension LossCheckCommand {
  struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Differential fuzzing: random valid cases through two backends.",
      discussion: """
        Draws random valid cases from each loss's declared sample-input \
        generator (random_case() in scripts/reference/<Loss>.py: random \
        shapes, option values from the spec's domains; float64 and float32, \
        or the --dtype list), runs each through --backend and --against, \
        and compares them with the spec's tolerances, or a half case's own \
        element bounds (the --against answer standing as expected; errors \
        must agree in kind).

        Each disagreement is shrunk (options back to defaults, fewer \
        gradients, simpler input values) and printed on standard output as \
        one case JSON line, ready to become a golden case; what differs \
        goes to standard error. Exit status 1 when any disagreement is found.

        Needs python3 with numpy on PATH to draw the cases.

        Example:
          losscheck fuzz --backend reference --against numpy --cases 10000 --seed 1
        """)

    @OptionGroup var goldenOptions: GoldenOptions

    @Option(
      help: ArgumentHelp("The backend under test.", discussion: Backends.help))
    var backend = "reference"

    @Option(help: "The backend to compare with.")
    var against = "numpy"

    @Option(parsing: .unconditional, help: "How many random cases.")
    var cases = 1000

    @Option(help: "The random seed (same seed, same cases).")
    var seed = 0

    @Option(help: "Only this loss (repeatable).")
    var loss: [String] = []

    @Option(
      help: ArgumentHelp(
        "Draw cases of this dtype (repeatable; default float64 and float32).",
        discussion: "float16 and bfloat16 cases carry their element bounds."))
    var dtype: [String] = []

    @OptionGroup var timeouts: TimeoutOptions

    @Option(help: "The python3 that draws the cases.")
    var python = "python3"

    @OptionGroup var budgetOptions: BudgetOptions

    func run() throws {
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let spec = try Spec.load(goldenDirectory: dir)
      let root = (dir as NSString).deletingLastPathComponent
      var args = [
        "\(root)/scripts/random_cases.py", "--cases", "\(cases)", "--seed",
        "\(seed)",
      ]
      for l in loss { args += ["--loss", l] }
      for d in dtype { args += ["--dtype", d] }
      let drawn = try CaseSource.lines(python: python, arguments: args)
      var list: [Case] = []
      for line in drawn {
        list.append(try Case(json: JSONParser.parse(line)))
      }
      Interruption.install()
      let a = try BackendStart.make(
        backend, spec: spec, goldenDirectory: dir, timeouts: timeouts,
        budget: budgetOptions.budget)
      let b = try BackendStart.make(
        against, spec: spec, goldenDirectory: dir, timeouts: timeouts,
        budget: budgetOptions.budget)
      let found = Fuzzer.run(list, backend: a, against: b, spec: spec)
      for d in found {
        print(CaseJSON.encode(d.testCase))
        FileHandle.standardError.write(
          Data(
            "disagreement on \(d.original.id): \(d.problems.joined(separator: "; "))\n"
              .utf8))
      }
      var perLoss: [String: Int] = [:]
      for c in list { perLoss[c.loss, default: 0] += 1 }
      FileHandle.standardError.write(
        Data(
          "\(list.count) cases over \(perLoss.count) losses, \(found.count) disagreements (\(a.name) vs \(b.name), seed \(seed))\n"
            .utf8))
      if let status = Interruption.exitStatus { throw ExitCode(status) }
      if !found.isEmpty { throw ExitCode(1) }
    }
  }
}
