extension HTMLReport {
  /// Writes the page's sections in order into `out`.
  struct Page {
    var inputs: [Input]
    var out = ""
    /// Every loss of any report, in the order first seen (`losses` rows
    /// first, then losses that only cases name).
    var losses: [String] = []
    /// `casesByLoss[loss][report]`.
    var casesByLoss: [String: [[CaseEntry]]] = [:]

    init(inputs: [Input]) {
      self.inputs = inputs
      var seen = Set<String>()
      for input in inputs {
        for l in input.losses where seen.insert(l.loss).inserted {
          losses.append(l.loss)
        }
      }
      for input in inputs {
        for c in input.cases where seen.insert(c.loss).inserted {
          losses.append(c.loss)
        }
      }
      let empty = Array(repeating: [CaseEntry](), count: inputs.count)
      for (k, input) in inputs.enumerated() {
        for c in input.cases {
          casesByLoss[c.loss, default: empty][k].append(c)
        }
      }
    }

    mutating func w(_ s: String) { out += s }

    /// The column label of report `k`: its short backend name, numbered
    /// when there are several reports.
    func label(_ k: Int) -> String {
      let name = HTMLReport.shortName(inputs[k].backend)
      return inputs.count > 1 ? "\(k + 1). \(name)" : name
    }

    mutating func write() {
      let names = inputs.map { HTMLReport.shortName($0.backend) }
      w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n")
      w("<meta charset=\"utf-8\">\n")
      w("<meta name=\"viewport\" content=\"width=device-width\">\n")
      w("<title>LossCheck scoreboard: ")
      w(escape(names.joined(separator: ", ")) + "</title>\n")
      w("<style>\n" + HTMLReport.css + "</style>\n</head>\n<body>\n")
      writeHeader()
      writeContents()
      writeTotals()
      writeMatrix()
      writeSkips()
      writeFailures()
      w("</body>\n</html>\n")
    }

    // MARK: header

    mutating func writeHeader() {
      w("<header>\n<h1>LossCheck conformance scoreboard</h1>\n")
      w("<table class=\"runs\">\n<thead><tr><th>#</th><th>Backend</th>")
      w("<th>LossCheck</th><th>Golden digest</th><th>Selection</th>")
      w("<th>Cases</th><th>Passed</th><th>Failed</th><th>Skipped</th>")
      w("<th>Run problems</th><th>Seconds</th></tr></thead>\n<tbody>\n")
      for (k, r) in inputs.enumerated() {
        var counts = Counts()
        for c in r.cases { counts.add(c.status) }
        let digest =
          r.digest.count > 19
          ? String(r.digest.prefix(19)) + "…" : r.digest
        w("<tr data-report=\"\(k)\"><td>\(k + 1)</td>")
        w("<td><code>\(escape(r.backend))</code>")
        if r.interrupted {
          w(" <span class=\"badge fail\">interrupted</span>")
        }
        w("</td><td>\(escape(r.version))</td>")
        w("<td><code title=\"\(escape(r.digest))\">")
        w("\(escape(digest))</code></td>")
        let full = selectionText(r.selection, brief: false)
        w("<td title=\"\(escape(full))\">")
        w("\(escape(selectionText(r.selection, brief: true)))</td>")
        w("<td class=\"n\">\(counts.total)</td>")
        w("<td class=\"n\">\(counts.passed)</td>")
        w("<td class=\"n\(counts.failed > 0 ? " bad" : "")\">")
        w("\(counts.failed)</td>")
        w("<td class=\"n\">\(counts.skipped)</td>")
        w("<td class=\"n\(r.problems.isEmpty ? "" : " bad")\">")
        w("\(r.problems.count)</td>")
        w("<td class=\"n\">\(escape(HTMLReport.seconds(r.seconds)))</td>")
        w("</tr>\n")
      }
      w("</tbody>\n</table>\n")
      if Set(inputs.map(\.digest)).count > 1 {
        w("<p class=\"warning\">These reports come from different golden ")
        w("sets (their digests differ): their counts are not comparable.")
        w("</p>\n")
      }
      for (k, r) in inputs.enumerated() where !r.problems.isEmpty {
        w("<div class=\"run-problems\" data-report=\"\(k)\">")
        w("<h3>Run problems of \(escape(label(k)))</h3>\n<ul>\n")
        for p in r.problems {
          w("<li><code>\(escape(p.kind))</code> ")
          w("<span class=\"msg\">\(escape(p.message))</span></li>\n")
        }
        w("</ul></div>\n")
      }
      w("<p class=\"legend\">Cells read <b>passed / failed / skipped</b>. ")
      w("<span class=\"swatch pass\">all passed</span> ")
      w("<span class=\"swatch fail\">some failed</span> ")
      w("<span class=\"swatch mixed\">passed and skipped</span> ")
      w("<span class=\"swatch skip\">all skipped</span> ")
      w("<span class=\"swatch none\">no cases</span> ")
      w("Worst/tol is the largest |actual − expected| / tolerance; ")
      w("“—” where nothing numeric was compared.</p>\n</header>\n")
    }

    /// Links to the sections, with the failing-case count.
    mutating func writeContents() {
      let failing = inputs.reduce(0) { n, r in
        n + r.cases.filter { $0.status == .failed }.count
      }
      let skipped = inputs.contains { r in
        r.cases.contains { $0.status == .skipped }
      }
      w("<nav><a href=\"#totals\">Totals per loss</a> · ")
      w("<a href=\"#matrix\">Loss × option value</a> · ")
      if skipped { w("<a href=\"#skips\">Skipped</a> · ") }
      w("<a href=\"#failures\">Failing cases (\(failing))</a></nav>\n")
    }

    /// The selection's non-empty fields, `name=value; …`; with `brief`,
    /// a list of more than four values reads as its count.
    func selectionText(_ v: JSONValue?, brief: Bool) -> String {
      guard case .object(let o)? = v else { return "—" }
      var parts: [String] = []
      for (name, value) in o.pairs {
        switch value {
        case .null, .bool(false): continue
        case .array(let items) where items.isEmpty: continue
        case .array(let items) where brief && items.count > 4:
          parts.append("\(name): \(items.count) values")
        case .array(let items):
          let texts = items.map { HTMLReport.plain($0) }
          parts.append(name + "=" + texts.joined(separator: ", "))
        default: parts.append(name + "=" + HTMLReport.plain(value))
        }
      }
      return parts.isEmpty ? "all" : parts.joined(separator: "; ")
    }

    // MARK: totals per loss

    mutating func writeTotals() {
      w("<section id=\"totals\">\n<h2>Totals per loss</h2>\n")
      w("<table class=\"totals\">\n<thead>\n<tr><th rowspan=\"2\">Loss</th>")
      for (k, r) in inputs.enumerated() {
        w("<th colspan=\"4\" class=\"group\" data-report=\"\(k)\" ")
        w("title=\"\(escape(r.backend))\">\(escape(label(k)))</th>")
      }
      w("</tr>\n<tr>")
      for _ in inputs {
        w("<th class=\"group-start\">passed</th><th>failed</th>")
        w("<th>skipped</th><th>worst/tol</th>")
      }
      w("</tr>\n</thead>\n<tbody>\n")
      var sums = Array(repeating: Counts(), count: inputs.count)
      for loss in losses {
        w("<tr><th><a href=\"#m-\(escape(anchor(loss)))\">")
        w("\(escape(loss))</a></th>")
        for (k, r) in inputs.enumerated() {
          guard let row = r.losses.first(where: { $0.loss == loss }) else {
            w("<td class=\"group-start none\" colspan=\"4\" ")
            w("data-loss=\"\(escape(loss))\" data-report=\"\(k)\">")
            w("not in this report</td>")
            continue
          }
          let c = row.counts
          sums[k].passed += c.passed
          sums[k].failed += c.failed
          sums[k].skipped += c.skipped
          let cls = HTMLReport.outcomeClass(c)
          w("<td class=\"n group-start total \(cls)\" ")
          w("data-loss=\"\(escape(loss))\" data-report=\"\(k)\" ")
          w("data-backend=\"\(escape(r.backend))\" ")
          w("data-cases=\"\(row.cases)\" data-passed=\"\(c.passed)\" ")
          w("data-failed=\"\(c.failed)\" data-skipped=\"\(c.skipped)\">")
          w("<span data-count=\"passed\">\(c.passed)</span></td>")
          w("<td class=\"n \(cls)\"><span data-count=\"failed\">")
          w("\(c.failed)</span></td>")
          w("<td class=\"n \(cls)\"><span data-count=\"skipped\">")
          w("\(c.skipped)</span></td>")
          let bad = HTMLReport.ratioIsBad(row.worstRatio)
          w("<td class=\"n ratio\(bad ? " bad" : "")\">")
          w("\(escape(HTMLReport.ratioText(row.worstRatio)))</td>")
        }
        w("</tr>\n")
      }
      w("</tbody>\n<tfoot><tr><th>All losses</th>")
      for s in sums {
        w("<td class=\"n group-start\">\(s.passed)</td>")
        w("<td class=\"n\(s.failed > 0 ? " bad" : "")\">\(s.failed)</td>")
        w("<td class=\"n\">\(s.skipped)</td><td></td>")
      }
      w("</tr></tfoot>\n</table>\n</section>\n")
    }

    /// An id-safe fragment for a loss name.
    func anchor(_ loss: String) -> String {
      String(
        loss.unicodeScalars.map {
          $0.properties.isAlphabetic || ("0"..."9").contains($0)
            ? Character($0) : "_"
        })
    }

    // MARK: matrix

    mutating func writeMatrix() {
      w("<section id=\"matrix\">\n<h2>Loss × option value</h2>\n")
      w("<p class=\"note\">For each loss, one row per dtype, option value ")
      w("and tag seen in its cases; a cell counts the cases having that ")
      w("value. <code>tensor</code> stands for any tensor-valued option, ")
      w("<code>(not given)</code> for cases without the option.</p>\n")
      w("<div class=\"cards\">\n")
      for loss in losses {
        guard let cases = casesByLoss[loss] else { continue }
        let m = Matrix(loss: loss, cases: cases)
        w("<div class=\"card\" id=\"m-\(escape(anchor(loss)))\" ")
        w("data-loss=\"\(escape(loss))\">\n<h3>\(escape(loss))</h3>\n")
        w("<table class=\"matrix\">\n<thead><tr><th></th>")
        for k in inputs.indices {
          w("<th title=\"\(escape(inputs[k].backend))\">")
          w("\(escape(label(k)))</th>")
        }
        w("</tr></thead>\n<tbody>\n")
        for (row, key) in m.rows.enumerated() {
          w("<tr class=\"\(key.kind.rawValue)\"><th>")
          w("\(escape(key.label))</th>")
          for k in inputs.indices {
            let c = m.counts[row][k]
            w("<td class=\"cell \(HTMLReport.outcomeClass(c))\" ")
            w("data-report=\"\(k)\" data-kind=\"\(key.kind.rawValue)\" ")
            w("data-name=\"\(escape(key.name))\" ")
            w("data-value=\"\(escape(key.value))\" ")
            w("data-passed=\"\(c.passed)\" data-failed=\"\(c.failed)\" ")
            w("data-skipped=\"\(c.skipped)\" title=\"\(c.passed) passed, ")
            w("\(c.failed) failed, \(c.skipped) skipped\">")
            w(c.total == 0 ? "—" : "\(c.passed) / \(c.failed) / \(c.skipped)")
            w("</td>")
          }
          w("</tr>\n")
        }
        w("</tbody>\n</table>\n</div>\n")
      }
      w("</div>\n</section>\n")
    }

    // MARK: skip reasons

    mutating func writeSkips() {
      var any = false
      for (k, r) in inputs.enumerated() {
        var reasons: [String] = []
        var count: [String: Int] = [:]
        var lossesOf: [String: [String]] = [:]
        for c in r.cases where c.status == .skipped {
          let reason = HTMLReport.plain(c.json["actual"]?["reason"])
          if count[reason] == nil { reasons.append(reason) }
          count[reason, default: 0] += 1
          if !(lossesOf[reason] ?? []).contains(c.loss) {
            lossesOf[reason, default: []].append(c.loss)
          }
        }
        guard !reasons.isEmpty else { continue }
        if !any {
          w("<section id=\"skips\">\n<h2>Skipped (unsupported)</h2>\n")
          any = true
        }
        w("<h3>\(escape(label(k)))</h3>\n<table class=\"skips\" ")
        w("data-report=\"\(k)\">\n<thead><tr><th>Reason</th><th>Cases</th>")
        w("<th>Losses</th></tr></thead>\n<tbody>\n")
        for reason in reasons {
          w("<tr><td>\(escape(reason))</td>")
          w("<td class=\"n\">\(count[reason] ?? 0)</td><td>")
          w(escape((lossesOf[reason] ?? []).joined(separator: ", ")))
          w("</td></tr>\n")
        }
        w("</tbody>\n</table>\n")
      }
      if any { w("</section>\n") }
    }

    // MARK: failing cases

    mutating func writeFailures() {
      w("<section id=\"failures\">\n<h2>Failing cases</h2>\n")
      for (k, r) in inputs.enumerated() {
        let failing = r.cases.filter { $0.status == .failed }
        w("<h3 data-report=\"\(k)\" data-failing=\"\(failing.count)\">")
        w("\(escape(label(k))): \(failing.count) failing</h3>\n")
        if failing.isEmpty {
          w("<p class=\"note\">None.</p>\n")
          continue
        }
        for loss in losses {
          let mine = failing.filter { $0.loss == loss }
          guard !mine.isEmpty else { continue }
          w("<h4>\(escape(loss)) <span class=\"count\">")
          w("\(mine.count)</span></h4>\n")
          for c in mine { writeFailure(c, report: k) }
        }
      }
      w("</section>\n")
    }

    mutating func writeFailure(_ c: CaseEntry, report k: Int) {
      let j = c.json
      w("<details class=\"failing-case\" data-report=\"\(k)\" ")
      w("data-loss=\"\(escape(c.loss))\" data-id=\"\(escape(c.id))\">\n")
      w("<summary><code class=\"id\">\(escape(c.id))</code> ")
      w("<span class=\"why\">\(escape(HTMLReport.why(j)))</span>")
      w("</summary>\n<div class=\"body\">\n<dl>\n")
      w("<dt>dtype</dt><dd>\(escape(c.dtype))</dd>\n")
      let options = c.options.pairs.map { name, value in
        "\(name)=\(HTMLReport.optionText(value))"
      }
      w("<dt>options</dt><dd>")
      w(escape(options.isEmpty ? "—" : options.joined(separator: ", ")))
      w("</dd>\n<dt>tags</dt><dd>")
      w(escape(c.tags.isEmpty ? "—" : c.tags.joined(separator: ", ")))
      w("</dd>\n<dt>expected</dt><dd>")
      writeOutcome(j["expected"])
      w("</dd>\n<dt>actual</dt><dd>")
      writeOutcome(j["actual"])
      w("</dd>\n<dt>worst/tol</dt><dd>")
      w(escape(HTMLReport.ratioText(j["worst_ratio"])))
      w("</dd>\n<dt>seconds</dt><dd>")
      w(escape(HTMLReport.seconds(j["seconds"])) + "</dd>\n</dl>\n")
      if case .array(let fields)? = j["fields"], !fields.isEmpty {
        writeFields(fields)
      }
      if case .array(let problems)? = j["problems"], !problems.isEmpty {
        w("<ul class=\"problems\">\n")
        for p in problems {
          w("<li><pre>\(escape(HTMLReport.plain(p)))</pre></li>\n")
        }
        w("</ul>\n")
      }
      w("</div>\n</details>\n")
    }

    mutating func writeOutcome(_ v: JSONValue?) {
      guard let v else {
        w("—")
        return
      }
      let kind = HTMLReport.plain(v["kind"])
      switch kind {
      case "value":
        w("a value")
        if let s = v["summary"] {
          w(": <code>\(escape(HTMLReport.plain(s)))</code>")
        }
      case "error":
        w("error <code class=\"kind\">")
        w("\(escape(HTMLReport.plain(v["error_kind"])))</code>")
        if let m = v["message"] {
          w("<pre class=\"msg\">\(escape(HTMLReport.plain(m)))</pre>")
        }
      case "unsupported":
        w("unsupported: \(escape(HTMLReport.plain(v["reason"])))")
      default:
        w("<code>\(escape(JSONWriter.write(v)))</code>")
      }
    }

    mutating func writeFields(_ fields: [JSONValue]) {
      w("<table class=\"fields\">\n<thead><tr><th>Field</th><th>Shape</th>")
      w("<th>Out of tolerance</th><th>Worst/tol</th><th>Index</th>")
      w("<th>Expected</th><th>Actual</th><th>Abs error</th>")
      w("<th>Rel error</th><th>ULPs</th></tr></thead>\n<tbody>\n")
      for f in fields {
        var elements: [JSONValue] = []
        if let worst = f["worst"], worst != .null { elements.append(worst) }
        if case .array(let others)? = f["others"] { elements += others }
        let bad = HTMLReport.plain(f["out_of_tolerance"])
        let rows = max(elements.count, 1)
        let cls = bad != "0" && bad != "—" ? " class=\"bad-field\"" : ""
        w("<tr><td\(cls) rowspan=\"\(rows)\">")
        w("\(escape(HTMLReport.plain(f["field"])))</td>")
        w("<td rowspan=\"\(rows)\">\(escape(HTMLReport.plain(f["shape"])))")
        w("</td><td class=\"n\" rowspan=\"\(rows)\">")
        w("\(escape(bad))/\(escape(HTMLReport.plain(f["compared"])))</td>")
        let ratio = f["worst_ratio"]
        w("<td class=\"n\(HTMLReport.ratioIsBad(ratio) ? " bad" : "")\" ")
        w("rowspan=\"\(rows)\">\(escape(HTMLReport.ratioText(ratio)))</td>")
        if elements.isEmpty { w("<td colspan=\"6\"></td></tr>\n") }
        for (n, e) in elements.enumerated() {
          if n > 0 { w("<tr>") }
          for key in [
            "index", "expected", "actual", "abs_error",
            "rel_error", "ulps",
          ] {
            w("<td class=\"n\">\(escape(HTMLReport.plain(e[key])))</td>")
          }
          w("</tr>\n")
        }
      }
      w("</tbody>\n</table>\n")
    }
  }

  /// An option value in a failing case's details: a tensor as its dtype
  /// and shape, anything else as its JSON text.
  static func optionText(_ v: JSONValue) -> String {
    if case .object(let o) = v, o["dtype"] != nil, o["shape"] != nil {
      return plain(v)
    }
    return JSONWriter.write(v)
  }

  /// One line saying why a case failed: the out-of-tolerance counts of its
  /// fields, else the outcome mismatch, else its first problem.
  static func why(_ c: JSONValue) -> String {
    var parts: [String] = []
    if case .array(let fields)? = c["fields"] {
      for f in fields {
        guard case .number(let n)? = f["out_of_tolerance"], n != "0"
        else { continue }
        parts.append(
          "\(plain(f["field"])) \(n)/\(plain(f["compared"])) out of "
            + "tolerance, worst \(ratioText(f["worst_ratio"]))×tol")
      }
    }
    if !parts.isEmpty { return parts.joined(separator: "; ") }
    let e = c["expected"]
    let a = c["actual"]
    let ek = plain(e?["kind"])
    let ak = plain(a?["kind"])
    func side(_ o: JSONValue?, _ kind: String) -> String {
      kind == "error" ? "error \(plain(o?["error_kind"]))" : "a \(kind)"
    }
    if ek != ak || side(e, ek) != side(a, ak) {
      return "expected \(side(e, ek)), got \(side(a, ak))"
    }
    if case .array(let problems)? = c["problems"], let p = problems.first {
      return plain(p)
    }
    return "failed"
  }
}
