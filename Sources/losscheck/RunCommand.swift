import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

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

    @OptionGroup var reportOptions: ReportOptions

    @Option(
      help: ArgumentHelp("The backend to check.", discussion: Backends.help))
    var backend = "reference"

    @OptionGroup var timeouts: TimeoutOptions

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
      let files: ReportFiles
      do {
        files = try reportOptions.open()
      } catch {
        throw setupFailure("\(error)")
      }
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let corpus = try GoldenCorpus.load(
        directory: dir, losses: loss.isEmpty ? nil : Set(loss),
        maxLineBytes: budgetOptions.budget.maxLineBytes)
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
          try BackendStart.make(
            self.backend, spec: corpus.spec, goldenDirectory: dir,
            timeouts: timeouts, budget: budgetOptions.budget))
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
        try files.write([report])
      } catch {
        throw setupFailure("\(error)")
      }
      if let status = Interruption.exitStatus { throw ExitCode(status) }
      if !report.ok(strict: strict) { throw ExitCode(1) }
    }
  }
}
