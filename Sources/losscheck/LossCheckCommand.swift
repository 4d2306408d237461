import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness
import LossCheckPython

@main
struct LossCheckCommand: ParsableCommand {
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
    subcommands: [Run.self, Eval.self, List.self, Fuzz.self, Bench.self],
    defaultSubcommand: Run.self
  )
}

struct GoldenOptions: ParsableArguments {
  @Option(help: "The golden directory (default: found from the current directory).")
  var golden: String?
}

extension LossCheckCommand {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run golden cases through a backend and report differences.",
      discussion: """
        Prints a table per loss (cases, passed, failed, and the worst error \
        as a fraction of the tolerance: above 1.000 fails), then each \
        failing case with its worst element: field and index, expected and \
        actual values, absolute and relative error and the distance in \
        ULPs of the case dtype. A golden file that cannot be read whole is \
        reported and counted as a failure; grid points of the spec that no \
        golden case covers are listed.

        A value passes when |actual - expected| <= atol + rtol * |expected| \
        (the spec's tolerance for the dtype, or the case's own); NaN matches \
        NaN, an infinity the same infinity; an expected error must come back \
        as an error of the same kind.

        Exit status: 0 when every case passes, 1 otherwise.
        """)

    @OptionGroup var goldenOptions: GoldenOptions

    @Option(help: "Only this loss (repeatable), e.g. --loss HuberLoss.")
    var loss: [String] = []

    @Option(help: "Only cases whose id matches: a substring, or a pattern with * wildcards.")
    var filter: String?

    @Option(help: "Only this dtype: float32 or float64.")
    var dtype: String?

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(help: "Also write the report as JUnit XML to this file.")
    var junit: String?

    @Option(help: ArgumentHelp("The backend to check.", discussion: Backends.help))
    var backend = "reference"

    @Option(help: "Seconds an exec backend may take per case before it is stopped.")
    var timeout: Double = 30

    @Flag(help: "List every uncovered grid point, not the first 20.")
    var verbose = false

    @OptionGroup var budgetOptions: BudgetOptions

    func run() throws {
      let loadStart = Date()
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let corpus = try GoldenCorpus.load(
        directory: dir, losses: loss.isEmpty ? nil : Set(loss))
      for l in loss where corpus.spec.losses[l] == nil {
        throw ValidationError("unknown loss '\(l)'; see `losscheck list`")
      }
      if let dtype, DType(rawValue: dtype)?.isFloating != true {
        throw ValidationError("--dtype must be float32 or float64, not '\(dtype)'")
      }
      let cases = corpus.cases.filter { c in
        (dtype.map { c.dtype.rawValue == $0 } ?? true)
          && (filter.map { Runner.matches(c.id, pattern: $0) } ?? true)
      }
      let loadSeconds = Date().timeIntervalSince(loadStart)
      let checkStart = Date()
      let backend = budgetOptions.budget.applied(
        to: try Backends.make(
          self.backend, spec: corpus.spec, goldenDirectory: dir, timeout: timeout))
      let verdicts = Runner.run(cases, spec: corpus.spec, backend: backend)
      let report = RunReport(
        backend: backend.name, verdicts: verdicts,
        loadProblems: corpus.problems,
        // Only the selected losses' grid points (their goldens are all that was loaded).
        uncovered: (filter == nil && dtype == nil)
          ? corpus.uncoveredGridPoints().filter { p in
            loss.isEmpty || loss.contains(String(p.prefix { $0 != "/" }))
          } : [],
        loadSeconds: loadSeconds,
        checkSeconds: Date().timeIntervalSince(checkStart))
      print(ReportFormat.table(report, verbose: verbose), terminator: "")
      if let json {
        try ReportFormat.json(report).write(toFile: json, atomically: true, encoding: .utf8)
      }
      if let junit {
        try ReportFormat.junit(report).write(toFile: junit, atomically: true, encoding: .utf8)
      }
      if !report.ok { throw ExitCode(1) }
    }
  }

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
      let spec = try Spec.load(goldenDirectory: GoldenCorpus.locate(goldenOptions.golden))
      let backend = ReferenceBackend(spec: spec, budget: budgetOptions.budget)
      try EvalLoop.run(backend: backend)
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the losses, their options with defaults, and golden case counts.")

    @OptionGroup var goldenOptions: GoldenOptions

    func run() throws {
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let corpus = try GoldenCorpus.load(directory: dir)
      for name in corpus.spec.lossNames {
        guard let l = corpus.spec.losses[name] else { continue }
        let mine = corpus.cases.filter { $0.loss == name }
        let errors = mine.filter {
          if case .error? = $0.expected { return true }
          return false
        }.count
        print("\(name)  (\(mine.count) golden cases, \(errors) of them errors)")
        if !l.summary.isEmpty { print("  \(l.summary)") }
        let ins = l.inputs.map { i in
          i.name + (i.differentiable ? " ∂" : "") + (i.dtype == "float" ? "" : " [\(i.dtype)]")
        }
        print("  inputs: \(ins.joined(separator: ", "))")
        for o in l.options {
          var line = "  \(o.name): \(o.type)"
          if !o.values.isEmpty { line += " {\(o.values.joined(separator: ", "))}" }
          if let d = o.domain { line += " \(d)" }
          line += ", default \(JSONWriter.write(o.defaultValue))"
          if o.deprecated { line += " (deprecated)" }
          print(line)
        }
      }
      if !corpus.problems.isEmpty {
        print("\nGolden files that could not be read whole:")
        for p in corpus.problems { print("  \(p)") }
      }
    }
  }

  struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Differential fuzzing: random valid cases through two backends.",
      discussion: """
        Draws random valid cases from each loss's declared sample-input \
        generator (random_case() in scripts/reference/<Loss>.py: random \
        shapes, option values from the spec's domains, both dtypes), runs \
        each through --backend and --against, and compares them with the \
        spec's tolerances (the --against answer standing as expected; \
        errors must agree in kind).

        Each disagreement is shrunk (options back to defaults, fewer \
        gradients, simpler input values) and printed on standard output as \
        one case JSON line, ready to become a golden case; what differs \
        goes to standard error. Exit status 1 when any disagreement is found.

        Needs python3 with numpy on PATH to draw the cases.

        Example:
          losscheck fuzz --backend reference --against numpy --cases 10000 --seed 1
        """)

    @OptionGroup var goldenOptions: GoldenOptions

    @Option(help: ArgumentHelp("The backend under test.", discussion: Backends.help))
    var backend = "reference"

    @Option(help: "The backend to compare with.")
    var against = "numpy"

    @Option(help: "How many random cases.")
    var cases = 1000

    @Option(help: "The random seed (same seed, same cases).")
    var seed = 0

    @Option(help: "Only this loss (repeatable).")
    var loss: [String] = []

    @Option(help: "Seconds an exec backend may take per case.")
    var timeout: Double = 30

    @Option(help: "The python3 that draws the cases.")
    var python = "python3"

    @OptionGroup var budgetOptions: BudgetOptions

    func run() throws {
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let spec = try Spec.load(goldenDirectory: dir)
      let root = (dir as NSString).deletingLastPathComponent
      var args = [
        "\(root)/scripts/random_cases.py", "--cases", "\(cases)", "--seed", "\(seed)",
      ]
      for l in loss { args += ["--loss", l] }
      let drawn = try CaseSource.lines(python: python, arguments: args)
      var list: [Case] = []
      for line in drawn {
        list.append(try Case(json: JSONParser.parse(line)))
      }
      let budget = budgetOptions.budget
      let a = budget.applied(
        to: try Backends.make(backend, spec: spec, goldenDirectory: dir, timeout: timeout))
      let b = budget.applied(
        to: try Backends.make(against, spec: spec, goldenDirectory: dir, timeout: timeout))
      let found = Fuzzer.run(list, backend: a, against: b, spec: spec)
      for d in found {
        print(CaseJSON.encode(d.testCase))
        FileHandle.standardError.write(
          Data("disagreement on \(d.original.id): \(d.problems.joined(separator: "; "))\n".utf8))
      }
      var perLoss: [String: Int] = [:]
      for c in list { perLoss[c.loss, default: 0] += 1 }
      FileHandle.standardError.write(
        Data(
          "\(list.count) cases over \(perLoss.count) losses, \(found.count) disagreements (\(a.name) vs \(b.name), seed \(seed))\n"
            .utf8))
      if !found.isEmpty { throw ExitCode(1) }
    }
  }
}

/// Runs a program and returns its standard output's lines.
enum CaseSource {
  struct Failed: Error, CustomStringConvertible {
    var description: String
  }

  static func lines(python: String, arguments: [String]) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [python] + arguments
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw Failed(description: "\(python) \(arguments.first ?? "") exited with status \(p.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
  }
}
