import ArgumentParser
import LossCheckHarness

/// `--json`, `--junit` and `--html`: the report files a command writes
/// besides the table on standard output.
struct ReportOptions: ParsableArguments {
  @Option(help: "Also write the report as JSON to this file.")
  var json: String?

  @Option(help: "Also write the report as JUnit XML to this file.")
  var junit: String?

  @Option(
    help: ArgumentHelp(
      "Also write the conformance scoreboard, one self-contained HTML page.",
      discussion: """
        One column per backend; docs/SCOREBOARD_PAGE.md says how to read it.
        """))
  var html: String?

  /// Opens the files named, before any work, so that a path that cannot
  /// be written fails at once; the error names the path and the reason.
  func open() throws(ReportFileError) -> ReportFiles {
    try ReportFiles(json: json, junit: junit, html: html)
  }
}
