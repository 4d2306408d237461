import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

extension LossCheckCommand {
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

    @OptionGroup var reportOptions: ReportOptions

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
      let files: ReportFiles
      do {
        files = try reportOptions.open()
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
      if groups.count > 1
        && (reportOptions.json != nil || reportOptions.junit != nil)
      {
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
        try files.write(merged)
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
}
