import LossCheckHarness

/// The report files that `--json`, `--junit` and `--html` name, opened
/// together before any work so that a path that cannot be written fails at
/// once rather than after a long run.
struct ReportFiles {
  var json: ReportFile?
  var junit: ReportFile?
  var html: ReportFile?

  /// Opens each path given; a nil path opens nothing. The first path that
  /// cannot be written throws, naming the path and the reason.
  init(json: String?, junit: String?, html: String?) throws(ReportFileError) {
    self.json = try json.map { p throws(ReportFileError) in
      try ReportFile(path: p)
    }
    self.junit = try junit.map { p throws(ReportFileError) in
      try ReportFile(path: p)
    }
    self.html = try html.map { p throws(ReportFileError) in
      try ReportFile(path: p)
    }
  }

  /// Writes `reports` to the open files. JSON and JUnit hold one report, so
  /// they are written only when there is exactly one; the HTML page shows
  /// every report, one column each.
  func write(_ reports: [RunReport]) throws {
    let encoded = reports.map(ReportJSON.encode)
    if reports.count == 1 {
      try json?.write(encoded[0])
      try junit?.write(ReportFormat.junit(reports[0]))
    }
    if let html {
      let pages = try encoded.map { try JSONParser.parse(Array($0.utf8)) }
      try html.write(HTMLReport.render(pages))
    }
  }
}
