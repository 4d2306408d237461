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

struct GoldenOptions: ParsableArguments {
  @Option(
    help: "The golden directory (default: found from the current directory).")
  var golden: String?
}

extension LossCheckCommand {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run golden cases through a backend and report differences.",
      discussion: """
        Prints a table per loss (cases, passed, failed, skipped, and the \
        worst error as a fraction of the tolerance: above 1.000 fails, "—" \
        when nothing numeric was compared), then each failing case: per \
        field how many elements are out of tolerance of how many, the worst \
        element (index, expected and actual values, absolute and relative \
        error, ULPs of the case dtype) and up to five more; where the \
        outcomes differ, both sides in full. A golden directory that does \
        not hold what its spec asks fails the run, each problem listed: a \
        file or line that cannot be read, a loss without golden cases, a \
        golden file without a spec, no case at all, a grid point no case \
        covers.

        A value passes when |actual - expected| <= atol + rtol * |expected| \
        (the spec's tolerance for the dtype, or the case's own); NaN matches \
        NaN, an infinity the same infinity; an expected error must come back \
        as an error of the same kind (--errors any: any error). A backend \
        answering {"id": ..., "unsupported": "reason"} has the case skipped: \
        neither passed nor failed.

        Selection: --loss, --dtype, --filter (any may match), --exclude, \
        --tag, --exclude-tag and --select FILE combine (a case must pass \
        each); patterns with * match whole ids, others are substrings. A \
        selection that matches nothing is an error.

        Exit status: 0 when nothing failed (skips allowed unless --strict), \
        1 when a case or the run failed, 2 when the run could not be set up \
        (the golden directory or its spec cannot be read, an empty \
        selection, a report file that cannot be written, a backend that \
        cannot start); 64 for a bad option; 130/143 when SIGINT/SIGTERM \
        stopped the run (the reports are written, marked interrupted, the \
        cases not answered listed as such).
        """)

    @OptionGroup var goldenOptions: GoldenOptions

    @Option(help: "Only this loss (repeatable), e.g. --loss HuberLoss.")
    var loss: [String] = []

    @Option(
      help: """
        Only cases whose id matches (repeatable, any may match): a \
        substring, or a pattern with * wildcards.
        """)
    var filter: [String] = []

    @Option(help: "Leave out cases whose id matches (repeatable; as --filter).")
    var exclude: [String] = []

    @Option(help: "Only this dtype (repeatable): any dtype the spec lists.")
    var dtype: [String] = []

    @Option(help: "Only cases carrying this tag (repeatable, any may match).")
    var tag: [String] = []

    @Option(
      name: .customLong("exclude-tag"),
      help: "Leave out cases carrying this tag (repeatable).")
    var excludeTag: [String] = []

    @Option(
      help: """
        A file of id patterns, one per line: a plain line selects, a line \
        starting with ! excludes, # starts a comment.
        """)
    var select: String?

    @Option(help: "Run only shard K of N of the selection (K/N, 1 <= K <= N).")
    var shard: String?

    @Option(help: "How an expected error is met: kind (same kind) or any.")
    var errors: ErrorMatchingArgument = .kind

    @Flag(help: "A skipped (unsupported) case fails the run.")
    var strict = false

    @Option(help: "Backend instances run at once (each a process for exec:).")
    var jobs = 1

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(help: "Also write the report as JUnit XML to this file.")
    var junit: String?

    @Option(
      help: ArgumentHelp(
        "Also write the conformance scoreboard, one self-contained HTML page.",
        discussion: "docs/SCOREBOARD_PAGE.md says how to read it."))
    var html: String?

    @Option(
      help: ArgumentHelp("The backend to check.", discussion: Backends.help))
    var backend = "reference"

    @Option(
      parsing: .unconditional,
      help: "Seconds an exec backend may take per case before it is stopped.")
    var timeout: Double = 30

    @Option(
      help:
        "Seconds added to the first case's deadline after a backend (re)starts."
    )
    var startupTimeout: Double = 10

    @Flag(help: "List every uncovered grid point and every skipped case.")
    var verbose = false

    @OptionGroup var budgetOptions: BudgetOptions

    /// Prints `message` on standard error and exits with status 2.
    func setupFailure(_ message: String) -> ExitCode {
      FileHandle.standardError.write(Data("losscheck: \(message)\n".utf8))
      return ExitCode(2)
    }

    func selection() throws -> CaseSelection {
      var s = CaseSelection()
      s.losses = loss
      s.dtypes = dtype
      s.filters = filter
      s.excludes = exclude
      s.tags = tag
      s.excludeTags = excludeTag
      do {
        if let shard { s.shard = try Shard(shard) }
        if let select {
          guard let data = FileManager.default.contents(atPath: select) else {
            throw SelectionError("--select", "cannot read \(select)")
          }
          try s.readSelectFile(
            String(decoding: data, as: UTF8.self), path: select)
        }
      } catch {
        throw setupFailure("\(error)")
      }
      return s
    }

    /// The corpus's problems that concern this run, each failing it. A grid
    /// point no case covers counts only when whole losses are selected (a
    /// narrower selection leaves points uncovered by design).
    static func runProblems(
      _ corpus: GoldenCorpus, selection: CaseSelection, loss: [String]
    ) -> [RunProblem] {
      corpus.corpusProblems.compactMap { p in
        guard case .uncoveredGridPoint(let point, _) = p else {
          return RunProblem(.goldenFile, message: p.description)
        }
        guard selection.isWholeLosses, loss.isEmpty || loss.contains(point.loss)
        else {
          return nil
        }
        return RunProblem(.uncoveredGridPoint, message: p.description)
      }
    }

    func run() throws {
      Interruption.install()
      let loadStart = Date()
      let selection = try selection()
      // Report files are opened first: a path that cannot be written fails
      // before the run rather than after it.
      let jsonFile: ReportFile?
      let junitFile: ReportFile?
      let htmlFile: ReportFile?
      do {
        jsonFile = try json.map { p throws(ReportFileError) in
          try ReportFile(path: p)
        }
        junitFile = try junit.map { p throws(ReportFileError) in
          try ReportFile(path: p)
        }
        htmlFile = try html.map { p throws(ReportFileError) in
          try ReportFile(path: p)
        }
      } catch {
        throw setupFailure("\(error)")
      }
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let corpus = try GoldenCorpus.load(
        directory: dir, losses: loss.isEmpty ? nil : Set(loss))
      let cases: [Case]
      do {
        try selection.validate(spec: corpus.spec)
        // A corpus without cases is the corpus's problem, reported below.
        cases = corpus.cases.isEmpty ? [] : try selection.apply(corpus.cases)
      } catch {
        throw setupFailure("\(error)")
      }
      let loadSeconds = Date().timeIntervalSince(loadStart)
      let checkStart = Date()
      var backends: [any LossBackend] = []
      for _ in 0..<min(jobs, cases.count) {
        backends.append(
          budgetOptions.budget.applied(
            to: try BackendStart.make(
              self.backend, spec: corpus.spec, goldenDirectory: dir,
              timeout: timeout, startupTimeout: startupTimeout)))
      }
      let progress: ProgressLine? =
        quiet
        ? nil : ProgressLine(terminal: ProgressLine.standardErrorIsTerminal)
      // The hook for SIGINT/SIGTERM: the run stops between cases and the
      // report is written, marked interrupted.
      let shouldStop: @Sendable () -> Bool = { Interruption.requested != nil }
      let outcome = Runner.run(
        cases, spec: corpus.spec, backends: backends,
        errors: errors.value, shouldStop: shouldStop,
        progress: progress.map { line in
          { @Sendable (p: RunProgress) in line.update(p) }
        })
      progress?.finish()
      var selectionJSON = selection.json
      selectionJSON["errors"] = .string(errors.value.rawValue)
      selectionJSON["strict"] = .bool(strict)
      selectionJSON["jobs"] = .number("\(jobs)")
      // After the run, so that a backend starts at once (hashing the
      // goldens is slow in debug builds).
      let digest = GoldenDigest.of(directory: dir)
      let report = RunReport(
        backend: backends.first?.name ?? self.backend,
        verdicts: outcome.verdicts,
        problems: Self.runProblems(corpus, selection: selection, loss: loss),
        goldenDigest: digest,
        selection: selectionJSON, interrupted: outcome.interrupted,
        selectedCount: cases.count, loadSeconds: loadSeconds,
        checkSeconds: Date().timeIntervalSince(checkStart))
      print(ReportFormat.table(report, verbose: verbose), terminator: "")
      // The table first, should a report go to /dev/stdout too.
      fflush(nil)
      do {
        let encoded = ReportJSON.encode(report)
        try jsonFile?.write(encoded)
        try junitFile?.write(ReportFormat.junit(report))
        if let htmlFile {
          try htmlFile.write(
            HTMLReport.render([try JSONParser.parse(Array(encoded.utf8))]))
        }
      } catch {
        throw setupFailure("\(error)")
      }
      if let status = Interruption.exitStatus { throw ExitCode(status) }
      if !report.ok(strict: strict) { throw ExitCode(1) }
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Join shard reports (--shard K/N) into one; compare backends in HTML.",
      discussion: """
        Reads the JSON reports (docs/REPORT_SCHEMA.md) of runs on the same \
        goldens, puts the cases of each backend's shards 1/N ... N/N back in \
        the full run's order, prints the table and writes the joined report \
        as JSON and/or JUnit XML. Reports of several backends make one \
        --html scoreboard with a column per backend (--json and --junit \
        then refuse: they hold one backend).

        Exit status: 0 when nothing failed, 1 when something did (or a case \
        was skipped, when the runs were --strict), 2 when the reports \
        cannot be read or do not belong together.

        Examples:
          losscheck merge s1.json s2.json s3.json --json all.json
          losscheck merge mine.json numpy.json --html scoreboard.html
        """)

    @Argument(help: "The JSON reports to join.")
    var reports: [String]

    @Option(help: "Write the joined report as JSON to this file.")
    var json: String?

    @Option(help: "Write the joined report as JUnit XML to this file.")
    var junit: String?

    @Option(
      help: ArgumentHelp(
        "Write the scoreboard page: one column per backend.",
        discussion: "docs/SCOREBOARD_PAGE.md says how to read it."))
    var html: String?

    @Flag(help: "List every uncovered grid point and every skipped case.")
    var verbose = false

    func run() throws {
      func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(
          Data("losscheck merge: \(message)\n".utf8))
        return ExitCode(2)
      }
      guard !reports.isEmpty else { throw failure("no reports given") }
      var groups: [(backend: String, parts: [RunReport], sources: [String])] =
        []
      let jsonFile: ReportFile?
      let junitFile: ReportFile?
      let htmlFile: ReportFile?
      do {
        jsonFile = try json.map { p throws(ReportFileError) in
          try ReportFile(path: p)
        }
        junitFile = try junit.map { p throws(ReportFileError) in
          try ReportFile(path: p)
        }
        htmlFile = try html.map { p throws(ReportFileError) in
          try ReportFile(path: p)
        }
        for path in reports {
          guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportDecodeError(
              source: path, field: "report", message: "cannot read the file")
          }
          let part = try ReportJSON.decode([UInt8](data), source: path)
          if let k = groups.firstIndex(where: { $0.backend == part.backend }) {
            groups[k].parts.append(part)
            groups[k].sources.append(path)
          } else {
            groups.append((part.backend, [part], [path]))
          }
        }
      } catch {
        throw failure("\(error)")
      }
      if groups.count > 1 && (json != nil || junit != nil) {
        throw failure(
          "the reports come from \(groups.count) backends; --json and --junit "
            + "join shards of one backend (--html shows backends side by side)")
      }
      var merged: [RunReport] = []
      do {
        for g in groups {
          merged.append(try ReportMerge.merge(g.parts, sources: g.sources))
        }
      } catch {
        throw failure("\(error)")
      }
      for m in merged {
        if merged.count > 1 { print("== \(m.backend)") }
        print(ReportFormat.table(m, verbose: verbose), terminator: "")
      }
      fflush(nil)
      do {
        if let only = merged.first, merged.count == 1 {
          try jsonFile?.write(ReportJSON.encode(only))
          try junitFile?.write(ReportFormat.junit(only))
        }
        if let htmlFile {
          var pages: [JSONValue] = []
          for m in merged {
            pages.append(try JSONParser.parse(Array(ReportJSON.encode(m).utf8)))
          }
          try htmlFile.write(HTMLReport.render(pages))
        }
      } catch {
        throw failure("\(error)")
      }
      let failed = merged.contains { m in
        var strict = false
        if case .bool(let b)? = m.selection["strict"] { strict = b }
        return !m.ok(strict: strict)
      }
      if failed { throw ExitCode(1) }
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
      let spec = try Spec.load(
        goldenDirectory: GoldenCorpus.locate(goldenOptions.golden))
      let backend = ReferenceBackend(spec: spec, budget: budgetOptions.budget)
      try EvalLoop.run(backend: backend)
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "List the losses, their options with defaults, and golden case counts.")

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
        // Per dtype, in the spec's order: "float64 34, float16 34".
        let perDType = corpus.spec.dtypes.map { d in
          "\(d.rawValue) \(mine.count { $0.dtype == d })"
        }.joined(separator: ", ")
        print(
          "\(name)  (\(mine.count) golden cases, \(errors) of them errors;"
            + " \(perDType))")
        if !l.summary.isEmpty { print("  \(l.summary)") }
        let ins = l.inputs.map { i in
          i.name + (i.differentiable ? " ∂" : "")
            + (i.dtype == .float ? "" : " [\(i.dtype.rawValue)]")
        }
        print("  inputs: \(ins.joined(separator: ", "))")
        for o in l.options {
          var line = "  \(o.name): \(o.type.rawValue)"
          if !o.values.isEmpty {
            line += " {\(o.values.joined(separator: ", "))}"
          }
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

    @Option(
      parsing: .unconditional,
      help: "Seconds an exec backend may take per case.")
    var timeout: Double = 30

    @Option(
      help:
        "Seconds added to the first case's deadline after a backend (re)starts."
    )
    var startupTimeout: Double = 10

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
      let budget = budgetOptions.budget
      let a = budget.applied(
        to: try BackendStart.make(
          backend, spec: spec, goldenDirectory: dir, timeout: timeout,
          startupTimeout: startupTimeout))
      let b = budget.applied(
        to: try BackendStart.make(
          against, spec: spec, goldenDirectory: dir, timeout: timeout,
          startupTimeout: startupTimeout))
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
      throw Failed(
        description:
          "\(python) \(arguments.first ?? "") exited with status \(p.terminationStatus)"
      )
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(
      String.init)
  }
}

/// `--errors kind|any` as a command-line argument.
enum ErrorMatchingArgument: String, ExpressibleByArgument, CaseIterable {
  case kind, any

  var value: ErrorMatching { ErrorMatching(rawValue: rawValue) ?? .kind }
}
