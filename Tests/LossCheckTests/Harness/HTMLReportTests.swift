import Foundation
import LossCheckHarness
import Testing

/// The scoreboard page against the hand-shaped reports in
/// Tests/Fixtures/reports (written by scripts/make_report_fixtures.py).
/// Expected counts are computed here from the reports' JSON, never taken
/// from the page code. With LOSSCHECK_SCOREBOARD_DIR set, the rendered
/// pages are also written there for scripts/check_html.py.
@Suite struct HTMLReportTests {
  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/reports")

  func fixture(_ name: String) throws -> JSONValue {
    let url = HTMLReportTests.fixtures.appendingPathComponent(name)
    return try JSONParser.parse(Array(try Data(contentsOf: url)))
  }

  /// Renders and, when LOSSCHECK_SCOREBOARD_DIR is set, saves the page.
  func page(_ names: [String], saveAs: String) throws -> String {
    let html = try HTMLReport.render(names.map(fixture))
    if let dir = ProcessInfo.processInfo.environment[
      "LOSSCHECK_SCOREBOARD_DIR"]
    {
      try FileManager.default.createDirectory(
        atPath: dir, withIntermediateDirectories: true)
      try html.write(
        toFile: dir + "/" + saveAs, atomically: true, encoding: .utf8)
    }
    return html
  }

  // MARK: a minimal reader of the page's start tags

  struct Tag {
    var name: String
    var attributes: [String: String]
    /// The text up to the next tag.
    var text: String
  }

  static func unescape(_ s: String) -> String {
    s.replacingOccurrences(of: "&lt;", with: "<")
      .replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"")
      .replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }

  /// Start tags with double-quoted attributes, as the page writes them.
  static func tags(_ html: String) -> [Tag] {
    var out: [Tag] = []
    let parts = html.components(separatedBy: "<")
    for part in parts.dropFirst() {
      guard let close = part.firstIndex(of: ">"),
        let first = part.first, first.isLetter
      else { continue }
      let inside = part[..<close]
      let name = String(inside.prefix(while: { $0.isLetter || $0.isNumber }))
      var attrs: [String: String] = [:]
      var rest = inside.dropFirst(name.count)
      while let eq = rest.range(of: "=\"") {
        let key = rest[..<eq.lowerBound].trimmingCharacters(in: .whitespaces)
        let after = rest[eq.upperBound...]
        guard let end = after.firstIndex(of: "\"") else { break }
        attrs[key] = unescape(String(after[..<end]))
        rest = after[after.index(after: end)...]
      }
      let text = unescape(String(part[part.index(after: close)...]))
      out.append(Tag(name: name, attributes: attrs, text: text))
    }
    return out
  }

  // MARK: the expected figures, from the JSON

  struct Figures: Equatable {
    var passed = 0, failed = 0, skipped = 0
  }

  func lossFigures(_ report: JSONValue) -> [String: Figures] {
    var out: [String: Figures] = [:]
    guard case .array(let rows)? = report["losses"] else { return out }
    for row in rows {
      guard case .string(let loss)? = row["loss"] else { continue }
      func n(_ k: String) -> Int {
        if case .number(let t)? = row[k] { return Int(t) ?? -1 }
        return -1
      }
      out[loss] = Figures(
        passed: n("passed"), failed: n("failed"), skipped: n("skipped"))
    }
    return out
  }

  func statuses(_ report: JSONValue) -> [(
    id: String, dtype: String,
    loss: String, status: String
  )] {
    guard case .array(let cases)? = report["cases"] else { return [] }
    return cases.compactMap { c in
      guard case .string(let id)? = c["id"],
        case .string(let dtype)? = c["dtype"],
        case .string(let loss)? = c["loss"],
        case .string(let status)? = c["status"]
      else { return nil }
      return (id, dtype, loss, status)
    }
  }

  func attrFigures(_ t: Tag) -> Figures {
    Figures(
      passed: Int(t.attributes["data-passed"] ?? "") ?? -1,
      failed: Int(t.attributes["data-failed"] ?? "") ?? -1,
      skipped: Int(t.attributes["data-skipped"] ?? "") ?? -1)
  }

  // MARK: tests

  @Test(arguments: [
    ["numpy.json"], ["partial.json"],
    ["numpy.json", "partial.json"],
  ])
  func perLossTotalsEqualTheReports(_ names: [String]) throws {
    let html = try page(
      names,
      saveAs: names.count > 1
        ? "both.html"
        : names[0].replacingOccurrences(of: ".json", with: ".html"))
    let tags = HTMLReportTests.tags(html)
    for (k, name) in names.enumerated() {
      let expected = lossFigures(try fixture(name))
      #expect(expected.count == 4)
      let cells = tags.filter {
        $0.attributes["data-report"] == "\(k)"
          && $0.attributes["data-loss"] != nil
          && $0.attributes["data-passed"] != nil && $0.name == "td"
      }
      var seen: [String: Figures] = [:]
      for c in cells { seen[c.attributes["data-loss"] ?? ""] = attrFigures(c) }
      #expect(seen == expected, "report \(name)")
      // The numbers shown equal the attributes.
      let shown = tags.filter { $0.attributes["data-count"] != nil }
      #expect(shown.count == 3 * 4 * names.count)
    }
  }

  @Test(arguments: [
    ["numpy.json"], ["partial.json"],
    ["numpy.json", "partial.json"],
  ])
  func oneFailingCaseElementPerFailedCase(_ names: [String]) throws {
    let tags = HTMLReportTests.tags(try HTMLReport.render(names.map(fixture)))
    for (k, name) in names.enumerated() {
      let failed = statuses(try fixture(name)).filter {
        $0.status == "failed"
      }.map(\.id)
      #expect(!failed.isEmpty)
      let shown = tags.filter {
        $0.attributes["class"] == "failing-case"
          && $0.attributes["data-report"] == "\(k)"
      }.compactMap { $0.attributes["data-id"] }
      #expect(shown.sorted() == failed.sorted(), "report \(name)")
    }
  }

  @Test func matrixDtypeRowsCountTheCases() throws {
    let report = try fixture("partial.json")
    let tags = HTMLReportTests.tags(try HTMLReport.render([report]))
    var expected: [String: Figures] = [:]
    for c in statuses(report) {
      var f = expected[c.loss + "|" + c.dtype] ?? Figures()
      switch c.status {
      case "passed": f.passed += 1
      case "failed": f.failed += 1
      default: f.skipped += 1
      }
      expected[c.loss + "|" + c.dtype] = f
    }
    var seen: [String: Figures] = [:]
    var loss = ""
    for t in tags {
      if t.attributes["class"] == "card" {
        loss = t.attributes["data-loss"] ?? ""
      }
      if t.attributes["data-kind"] == "dtype" {
        seen[loss + "|" + (t.attributes["data-value"] ?? "")] =
          attrFigures(t)
      }
    }
    #expect(!expected.isEmpty)
    #expect(seen == expected)
  }

  @Test func matrixGroupsOptionValuesAndColoursByOutcome() throws {
    let report = try fixture("partial.json")
    let tags = HTMLReportTests.tags(try HTMLReport.render([report]))
    func cell(_ loss: String, _ name: String, _ value: String) -> Tag? {
      var current = ""
      for t in tags {
        if t.attributes["class"] == "card" {
          current = t.attributes["data-loss"] ?? ""
        }
        if current == loss, t.attributes["data-name"] == name,
          t.attributes["data-value"] == value
        {
          return t
        }
      }
      return nil
    }
    // Every SmoothL1Loss case is unsupported by this backend: grey.
    let smooth = try #require(cell("SmoothL1Loss", "dtype", "float64"))
    #expect(smooth.attributes["class"] == "cell skip")
    #expect(attrFigures(smooth).passed == 0)
    // label_smoothing=0.0 all passed; 0.2 all skipped; the weight tensor
    // row groups every shape under one label.
    let ls0 = try #require(cell("CrossEntropyLoss", "label_smoothing", "0.0"))
    #expect(ls0.attributes["class"] == "cell pass")
    let ls2 = try #require(cell("CrossEntropyLoss", "label_smoothing", "0.2"))
    #expect(ls2.attributes["class"] == "cell skip")
    let weight = try #require(cell("CrossEntropyLoss", "weight", "tensor"))
    #expect(weight.attributes["class"] == "cell mixed")
    #expect(cell("CrossEntropyLoss", "weight", "(not given)") != nil)
    // A float64 KLDivLoss case fails: red.
    let kl = try #require(cell("KLDivLoss", "dtype", "float64"))
    #expect(kl.attributes["class"] == "cell fail")
  }

  @Test func failingCasesShowTheirDiagnostics() throws {
    let report = try fixture("numpy.json")
    let html = try HTMLReport.render([report])
    guard case .array(let cases)? = report["cases"] else {
      Issue.record("no cases")
      return
    }
    var checked = 0
    for c in cases where c["status"] == .string("failed") {
      // The summary line names each field's out-of-tolerance count.
      if case .array(let fields)? = c["fields"] {
        for f in fields {
          guard case .number(let bad)? = f["out_of_tolerance"], bad != "0",
            case .number(let n)? = f["compared"],
            case .string(let name)? = f["field"]
          else { continue }
          #expect(html.contains("\(name) \(bad)/\(n) out of tolerance"))
          checked += 1
        }
      }
      // An error's message is shown in full (escaped).
      if case .string(let message)? = c["actual"]?["message"] {
        let escaped = message.replacingOccurrences(of: "&", with: "&amp;")
          .replacingOccurrences(of: "<", with: "&lt;")
          .replacingOccurrences(of: ">", with: "&gt;")
          .replacingOccurrences(of: "\"", with: "&quot;")
          .replacingOccurrences(of: "'", with: "&#39;")
        #expect(html.contains("<pre class=\"msg\">\(escaped)</pre>"))
        checked += 1
      }
    }
    #expect(checked >= 4)
    #expect(html.contains("expected a value, got error backend_crashed"))
  }

  @Test func skipReasonsAreCounted() throws {
    let report = try fixture("partial.json")
    var expected: [String: Int] = [:]
    if case .array(let cases)? = report["cases"] {
      for c in cases {
        if case .string(let r)? = c["actual"]?["reason"] {
          expected[r, default: 0] += 1
        }
      }
    }
    #expect(expected.count == 2)
    let html = try HTMLReport.render([report])
    for (reason, n) in expected {
      #expect(
        html.contains(
          "<tr><td>\(reason)</td><td class=\"n\">\(n)</td>"))
    }
  }

  @Test func sideBySideHasOneColumnGroupPerBackend() throws {
    let html = try page(["numpy.json", "partial.json"], saveAs: "both.html")
    let groups = HTMLReportTests.tags(html).filter {
      $0.attributes["class"] == "group"
    }
    #expect(groups.map { $0.attributes["data-report"] ?? "" } == ["0", "1"])
    #expect(groups.map(\.text) == ["1. numpy_backend", "2. jaxloss_backend"])
  }

  @Test func aLossMissingFromOneReportIsMarked() throws {
    let tags = HTMLReportTests.tags(
      try HTMLReport.render([
        try fixture("hostile.json"), try fixture("numpy.json"),
      ]))
    let missing = tags.filter {
      $0.attributes["data-report"] == "0"
        && $0.attributes["data-loss"] == "KLDivLoss" && $0.name == "td"
    }
    #expect(missing.count == 1)
    #expect(missing.first?.attributes["data-passed"] == nil)
    #expect(missing.first?.text == "not in this report")
  }

  @Test func hostileTextIsEscaped() throws {
    let html = try page(["hostile.json"], saveAs: "hostile.html")
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("<b>sum"))
    #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
    #expect(!html.unicodeScalars.contains { $0.value == 1 || $0.value == 0x7F })
    #expect(html.contains("\\u0001\\u007F"))
    // The message's "</pre></details>" closes nothing.
    #expect(html.components(separatedBy: "</details>").count == 2)
    let failing = HTMLReportTests.tags(html).filter {
      $0.attributes["class"] == "failing-case"
    }
    #expect(failing.count == 1)
    #expect(
      failing.first?.attributes["data-id"]
        == "L1Loss/float64/<script>alert('x')</script> & \"q\" \\u0001\\u007F")
  }

  @Test func theSameReportsGiveTheSameBytes() throws {
    let reports = [try fixture("numpy.json"), try fixture("partial.json")]
    let a = try HTMLReport.render(reports)
    let b = try HTMLReport.render(reports)
    #expect(a == b)
    #expect(a != (try HTMLReport.render(reports.reversed())))
  }

  static let minimal = """
    {"report_schema":"losscheck-report/1","losscheck_version":"0.2.0",
    "backend":"b","golden_digest":"sha256:0","losses":[{"loss":"L1Loss",
    "cases":0,"passed":0,"failed":0,"skipped":0,"worst_ratio":WORST}],
    "cases":[]}
    """

  @Test func ratiosReadably() throws {
    func ratio(_ text: String) throws -> String? {
      let json = HTMLReportTests.minimal.replacingOccurrences(
        of: "WORST", with: text)
      let html = try HTMLReport.render([try JSONParser.parse(json)])
      return HTMLReportTests.tags(html).first {
        $0.attributes["class"]?.contains("ratio") == true
      }?.text
    }
    #expect(try ratio("null") == "—")
    #expect(try ratio("12.5") == "12.5")
    #expect(try ratio("0.0049999") == "0.005")
    #expect(try ratio("1234567.0") == "1.2e+06")
    #expect(try ratio("4.2e-05") == "4.2e-05")
    #expect(try ratio("\"inf\"") == "inf")
  }

  // MARK: bad reports

  func error(_ mutate: (String) -> String) throws -> HTMLReportError? {
    let text = mutate(JSONWriter.write(try fixture("hostile.json")))
    do {
      _ = try HTMLReport.render([
        try fixture("numpy.json"),
        try JSONParser.parse(text),
      ])
      return nil
    } catch let e as HTMLReportError {
      return e
    }
  }

  @Test func noReportIsAnError() {
    #expect(throws: HTMLReportError.self) { try HTMLReport.render([]) }
  }

  @Test func aMissingBackendIsNamed() throws {
    let e = try error {
      $0.replacingOccurrences(of: "\"backend\":", with: "\"backendX\":")
    }
    #expect(
      e
        == HTMLReportError(
          report: 2, field: "backend",
          reason: "missing"))
  }

  @Test func aBadStatusIsNamedWithItsValue() throws {
    let e = try error {
      $0.replacingOccurrences(
        of: "\"status\":\"passed\"",
        with: "\"status\":\"ok\"")
    }
    #expect(e?.field == "cases[1].status")
    #expect(e?.description.contains("\"ok\"") == true)
  }

  @Test func aFractionalCountIsNamed() throws {
    let e = try error {
      $0.replacingOccurrences(of: "\"passed\":1,", with: "\"passed\":1.5,")
    }
    #expect(e?.field == "losses[0].passed")
    #expect(e?.description.contains("1.5") == true)
  }

  @Test func anotherSchemaIsRefused() throws {
    let e = try error {
      $0.replacingOccurrences(
        of: "losscheck-report/1",
        with: "losscheck-report/2")
    }
    #expect(e?.field == "report_schema")
    #expect(e?.report == 2)
  }

  @Test func aCaseThatIsNotAnObjectIsNamed() throws {
    let e = try error {
      $0.replacingOccurrences(of: "\"cases\":[", with: "\"cases\":[3,")
    }
    #expect(e?.field == "cases[0]")
  }
}
