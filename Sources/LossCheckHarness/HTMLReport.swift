import Foundation

/// The conformance scoreboard: one self-contained static HTML page (inline
/// CSS, no script, no network) drawn from one or more JSON reports
/// (docs/REPORT_SCHEMA.md), one column per report's backend.
///
/// The page has a header (each report's backend, LossCheck version, golden
/// digest, selection and totals), the totals per loss, a loss × option-value
/// matrix coloured by outcome, the skip reasons, and every failing case with
/// its diagnostics in an expandable `<details>` element. The same reports
/// give the same bytes (no clock, no randomness). Every text taken from a
/// report is escaped; control characters show as `\uXXXX`.
///
/// Stable markers for scripts (docs/SCOREBOARD_PAGE.md): per loss and
/// report, a cell with `data-loss`, `data-report` (from 0),
/// `data-backend`, `data-passed`, `data-failed`, `data-skipped`; the
/// visible counts in cells with `data-count`; each matrix cell with
/// `data-kind`, `data-name`, `data-value` and the same counts; and
/// `class="failing-case"` with `data-report` and `data-id` on each
/// failing case.
public enum HTMLReport {
  /// One self-contained page for one or more reports (one column per
  /// backend), in the order given.
  ///
  /// Throws `HTMLReportError` naming the report and field when the list is
  /// empty, a report lacks a field the page needs (`report_schema`,
  /// `losscheck_version`, `backend`, `golden_digest`, `losses` with their
  /// counts, `cases` with `id`, `loss`, `dtype`, `status`), a field has
  /// the wrong type, or `report_schema` is not `losscheck-report/1`.
  /// Optional fields that are absent are left out of the page.
  public static func render(_ reports: [JSONValue]) throws -> String {
    guard !reports.isEmpty else {
      throw HTMLReportError(
        report: 0, field: "reports", reason: "no report to render")
    }
    var inputs: [Input] = []
    for (k, r) in reports.enumerated() {
      inputs.append(try Input(r, number: k + 1))
    }
    var page = Page(inputs: inputs)
    page.write()
    return page.out
  }

  /// Text for HTML content and quoted attribute values: `& < > " '` as
  /// character references, C0/C1 control characters other than newline
  /// and tab as visible `\uXXXX`.
  static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\n", "\t": out.unicodeScalars.append(u)
      case _ where u.value < 0x20 || (0x7F...0x9F).contains(u.value):
        let h = String(u.value, radix: 16, uppercase: true)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      default: out.unicodeScalars.append(u)
      }
    }
    return out
  }

  /// A worst/tolerance ratio for people: "—" for `null`, three
  /// significant digits between 0.001 and 1000, else `1.2e+06` style.
  static func ratioText(_ v: JSONValue?) -> String {
    switch v {
    case .number(let text)?:
      guard let x = Double(text) else { return text }
      if x == 0 { return "0" }
      let a = abs(x)
      if a >= 1000 || a < 0.001 { return String(format: "%.2g", x) }
      return String(format: "%.3g", x)
    case .string(let s)?: return s
    default: return "—"
    }
  }

  /// Whether a ratio is above 1 (out of tolerance) or not a number.
  static func ratioIsBad(_ v: JSONValue?) -> Bool {
    switch v {
    case .number(let text)?: return (Double(text) ?? 0) > 1
    case .string?: return true
    default: return false
    }
  }

  /// A number of seconds at four significant digits ("0.1706"); anything
  /// that is not a finite number as `plain` writes it.
  static func seconds(_ v: JSONValue?) -> String {
    guard case .number(let t)? = v, let x = Double(t), x.isFinite else {
      return plain(v)
    }
    return String(format: "%.4g", x)
  }

  /// A JSON scalar or array as compact text (numbers keep their lexeme).
  static func plain(_ v: JSONValue?) -> String {
    switch v {
    case nil, .null?: return "—"
    case .string(let s)?: return s
    case .number(let t)?: return t
    case .bool(let b)?: return b ? "true" : "false"
    case .array(let items)?:
      return "["
        + items.map(plain).joined(
          separator: ", ") + "]"
    case .numbers(let n)?: return JSONWriter.write(.numbers(n))
    case .object(let o)?:
      if case .string(let dt)? = o["dtype"], o["shape"] != nil {
        return "tensor \(dt) \(plain(o["shape"]))"
      }
      return JSONWriter.write(.object(o))
    }
  }

  /// A short column label for a backend: its last path component without
  /// `.py`, e.g. `numpy_backend` for `exec:python3 …/numpy_backend.py`.
  static func shortName(_ backend: String) -> String {
    let parts = backend.split(whereSeparator: { " /:".contains($0) })
    guard var last = parts.last.map(String.init) else { return backend }
    if last.hasSuffix(".py") { last.removeLast(3) }
    return last
  }
}
