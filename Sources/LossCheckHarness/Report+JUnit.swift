extension ReportFormat {
  /// The report as JUnit XML: one testsuite per loss, one testcase per
  /// case (`<failure>` with the problems, `<skipped>` with the backend's
  /// reason), and a `run` testsuite for run-level problems and an
  /// interruption. The text is well-formed XML 1.0 whatever the messages
  /// hold: characters XML cannot carry (control characters, NUL,
  /// noncharacters) are written as visible `\xNN`/`\u{…}` escapes.
  public static func junit(_ r: RunReport) -> String {
    let runFailures = r.problems.count + (r.interrupted ? 1 : 0)
    let failedCases = r.verdicts.count(where: { $0.status == .failed })
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out +=
      "<testsuites name=\"\(xml(r.backend))\""
      + " tests=\"\(r.verdicts.count + runFailures)\""
      + " failures=\"\(failedCases + runFailures)\""
      + " skipped=\"\(r.skipped)\">\n"
    for row in r.rows {
      out +=
        "  <testsuite name=\"\(xml(row.loss))\" tests=\"\(row.cases)\""
        + " failures=\"\(row.failed)\" skipped=\"\(row.skipped)\">\n"
      for v in r.verdicts where v.loss == row.loss {
        out +=
          "    <testcase classname=\"\(xml(v.loss))\" name=\"\(xml(v.id))\""
        out += " time=\"\(time(v.seconds))\""
        switch v.status {
        case .passed:
          out += "/>\n"
        case .skipped:
          var reason = ""
          if case .unsupported(let why) = v.actual { reason = why }
          out += ">\n      <skipped message=\"\(xml(reason))\"/>\n"
          out += "    </testcase>\n"
        case .failed:
          out += ">\n      <failure message=\"\(xml(v.problems.first ?? ""))\">"
          out += xml(failureText(v)) + "</failure>\n    </testcase>\n"
        }
      }
      out += "  </testsuite>\n"
    }
    if runFailures > 0 {
      out +=
        "  <testsuite name=\"run\" tests=\"\(runFailures)\""
        + " failures=\"\(runFailures)\" skipped=\"0\">\n"
      for p in r.problems {
        out += "    <testcase classname=\"run\" name=\"\(xml(p.kind))\">"
        out += "<failure message=\"\(xml(p.message))\"/></testcase>\n"
      }
      if r.interrupted {
        let m =
          "interrupted after \(r.verdicts.count) of \(r.selectedCount) cases"
        out += "    <testcase classname=\"run\" name=\"interrupted\">"
        out += "<failure message=\"\(xml(m))\"/></testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    out += "</testsuites>\n"
    return out
  }

  static func time(_ s: Double) -> String {
    s.isFinite ? String(format: "%.6f", s) : "0"
  }

  /// Text escaped for XML 1.0 content and attribute values.
  static func xml(_ s: String) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
    for u in s.unicodeScalars {
      switch u.value {
      case 0x26: out += "&amp;"
      case 0x3C: out += "&lt;"
      case 0x3E: out += "&gt;"
      case 0x22: out += "&quot;"
      case 0x27: out += "&apos;"
      // Kept as references so attribute values keep their line breaks.
      case 0x09: out += "&#9;"
      case 0x0A: out += "&#10;"
      case 0x0D: out += "&#13;"
      case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF:
        out.unicodeScalars.append(u)
      case ..<0x100:
        let h = String(u.value, radix: 16, uppercase: true)
        out += "\\x" + (h.count < 2 ? "0" + h : h)
      default:
        out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
      }
    }
    return out
  }
}
