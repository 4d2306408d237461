extension HTMLReport {
  /// What a matrix row groups cases by.
  enum RowKind: String {
    case dtype, option, tag
  }

  /// One row of a loss's matrix: `dtype=float32`, `reduction=mean`,
  /// `weight=tensor`, `weight=(not given)` or `tag=broadcast`.
  struct RowKey: Hashable {
    var kind: RowKind
    var name: String
    var value: String

    var label: String { "\(name)=\(value)" }
  }

  /// The label of an option value that cases are grouped by: a string
  /// as is (quoted when it would read as a number, a literal or the
  /// not-given mark), a number's JSON text, `true`/`false`/`null`, and
  /// `tensor` for any tensor object (its shape varies from case to case).
  static func valueLabel(_ v: JSONValue) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let text): return text
    case .string(let s):
      let literal = ["true", "false", "null"].contains(s)
      let number =
        (try? JSONParser.parse(s)).map { v in
          if case .number = v { return true }
          return false
        } ?? false
      if literal || number || s.hasPrefix("(") || s.isEmpty {
        return Reader.quoted(s)
      }
      return s
    case .object(let o):
      return o["dtype"] != nil && o["shape"] != nil ? "tensor" : "object"
    case .array, .numbers: return "array"
    }
  }

  /// The label of the row for cases that do not give an option.
  static let notGiven = "(not given)"

  /// A loss's option-value matrix: rows in the order first seen over the
  /// reports (dtype rows first, then each option's values, its not-given
  /// row last, then tags), and the counts of each row in each report.
  struct Matrix {
    var loss: String
    var rows: [RowKey] = []
    /// `counts[row][report]`.
    var counts: [[Counts]] = []

    init(loss: String, cases: [[CaseEntry]]) {
      self.loss = loss
      var dtypes: [RowKey] = []
      var optionNames: [String] = []
      var optionRows: [String: [RowKey]] = [:]
      var tags: [RowKey] = []
      var seen = Set<RowKey>()
      func note(_ key: RowKey, _ list: inout [RowKey]) {
        if seen.insert(key).inserted { list.append(key) }
      }
      let all = cases.joined()
      for c in all {
        note(RowKey(kind: .dtype, name: "dtype", value: c.dtype), &dtypes)
        for (name, value) in c.options.pairs {
          if optionRows[name] == nil {
            optionNames.append(name)
            optionRows[name] = []
          }
          let key = RowKey(
            kind: .option, name: name, value: HTMLReport.valueLabel(value))
          note(key, &optionRows[name, default: []])
        }
        for t in c.tags {
          note(RowKey(kind: .tag, name: "tag", value: t), &tags)
        }
      }
      var optionList: [RowKey] = []
      for name in optionNames {
        optionList += optionRows[name] ?? []
        if all.contains(where: { $0.options[name] == nil }) {
          optionList.append(
            RowKey(kind: .option, name: name, value: HTMLReport.notGiven))
        }
      }
      rows = dtypes + optionList + tags
      var index: [RowKey: Int] = [:]
      for (k, r) in rows.enumerated() { index[r] = k }
      counts = Array(
        repeating: Array(repeating: Counts(), count: cases.count),
        count: rows.count)
      for (report, list) in cases.enumerated() {
        for c in list {
          for key in Matrix.keys(of: c, optionNames: optionNames) {
            if let row = index[key] { counts[row][report].add(c.status) }
          }
        }
      }
    }

    /// The rows a case counts in.
    static func keys(of c: CaseEntry, optionNames: [String]) -> [RowKey] {
      var keys = [RowKey(kind: .dtype, name: "dtype", value: c.dtype)]
      for name in optionNames {
        let value = c.options[name].map(HTMLReport.valueLabel)
        keys.append(
          RowKey(kind: .option, name: name, value: value ?? notGiven))
      }
      for t in c.tags {
        let key = RowKey(kind: .tag, name: "tag", value: t)
        if !keys.contains(key) { keys.append(key) }
      }
      return keys
    }
  }

  /// The colour class of a count cell: all passed, any failed, all
  /// skipped, passed and skipped, or no cases.
  static func outcomeClass(_ c: Counts) -> String {
    if c.total == 0 { return "none" }
    if c.failed > 0 { return "fail" }
    if c.skipped == 0 { return "pass" }
    return c.passed == 0 ? "skip" : "mixed"
  }
}
