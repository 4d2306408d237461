/// Why a selection cannot be used: an unknown loss or dtype, a malformed
/// shard or select file, or a selection that matches no case.
public struct SelectionError: Error, Sendable, CustomStringConvertible {
  /// The option at fault, e.g. "--dtype".
  public var option: String
  public var message: String

  /// Makes a selection error naming the option.
  public init(_ option: String, _ message: String) {
    self.option = option
    self.message = message
  }

  public var description: String { "\(option): \(message)" }
}

/// One shard of a selection: `--shard K/N` keeps the i-th selected case
/// (counting from 0, in selection order) when i mod N == K − 1, so the N
/// shards partition the selection and each is the same on every machine.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  /// 1-based shard number.
  public var index: Int
  public var count: Int

  /// Reads "K/N" with 1 ≤ K ≤ N; anything else is an error naming it.
  public init(_ text: String) throws(SelectionError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]),
      n >= 1, k >= 1, k <= n
    else {
      throw SelectionError(
        "--shard", "expected K/N with 1 <= K <= N, got '\(text)'")
    }
    index = k
    count = n
  }

  public var description: String { "\(index)/\(count)" }

  /// Whether the `position`-th selected case (from 0) is in this shard.
  public func contains(position: Int) -> Bool {
    position % count == index - 1
  }
}

/// Which golden cases a run judges: by loss, dtype, id pattern, tag, a
/// select file and a shard.
///
/// A case is selected when all of these hold:
/// - its loss is one of `losses` (any when empty), its dtype one of
///   `dtypes` (any when empty);
/// - its id matches one of the include patterns (`filters` and the select
///   file's plain lines; any id when there are none) and none of the
///   exclude patterns (`excludes` and the select file's `!` lines);
/// - it carries one of `tags` (any case when empty) and none of
///   `excludeTags`.
/// A pattern with `*` wildcards matches the whole id; one without `*` is a
/// substring. `shard` then keeps its share of what is selected.
public struct CaseSelection: Sendable {
  public var losses: [String] = []
  public var dtypes: [String] = []
  public var filters: [String] = []
  public var excludes: [String] = []
  public var tags: [String] = []
  public var excludeTags: [String] = []
  /// The select file's path, as given (reports name it).
  public var selectFile: String? = nil
  /// The select file's include and exclude patterns.
  public var selectIncludes: [String] = []
  public var selectExcludes: [String] = []
  public var shard: Shard? = nil

  /// An empty selection (every case).
  public init() {}

  /// True when nothing but losses chooses the cases (so the spec's grid
  /// can be checked for coverage).
  public var isWholeLosses: Bool {
    dtypes.isEmpty && filters.isEmpty && excludes.isEmpty && tags.isEmpty
      && excludeTags.isEmpty && selectIncludes.isEmpty
      && selectExcludes.isEmpty && shard == nil
  }

  /// Reads a select file's text: one pattern per line, `!` before a
  /// pattern excludes, `#` starts a comment line, blank lines and
  /// surrounding spaces are ignored.
  public mutating func readSelectFile(_ text: String, path: String)
    throws(SelectionError)
  {
    selectFile = path
    var lineNo = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNo += 1
      let line = raw.trimmingSpaces
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("!") {
        let p = line.dropFirst().trimmingSpaces
        guard !p.isEmpty else {
          throw SelectionError(
            "--select", "\(path):\(lineNo): '!' without a pattern")
        }
        selectExcludes.append(String(p))
      } else {
        selectIncludes.append(String(line))
      }
    }
  }

  /// Refuses losses the spec does not define and dtypes it does not list.
  public func validate(spec: Spec) throws(SelectionError) {
    for l in losses where spec.losses[l] == nil {
      throw SelectionError(
        "--loss", "unknown loss '\(l)'; see `losscheck list`")
    }
    let known = spec.dtypes.map(\.rawValue)
    for d in dtypes where !known.contains(d) {
      throw SelectionError(
        "--dtype",
        "'\(d)' is not a dtype of the spec (\(known.joined(separator: ", ")))")
    }
  }

  /// Whether `c` is selected (before sharding).
  public func matches(_ c: Case) -> Bool {
    if !losses.isEmpty && !losses.contains(c.loss) { return false }
    if !dtypes.isEmpty && !dtypes.contains(c.dtype.rawValue) { return false }
    let includes = filters + selectIncludes
    if !includes.isEmpty
      && !includes.contains(where: { CaseSelection.matches(c.id, $0) })
    {
      return false
    }
    if (excludes + selectExcludes).contains(where: {
      CaseSelection.matches(c.id, $0)
    }) {
      return false
    }
    if !tags.isEmpty && !c.tags.contains(where: tags.contains) {
      return false
    }
    if c.tags.contains(where: excludeTags.contains) { return false }
    return true
  }

  /// The selected cases of `cases`, in their order, then the shard's share.
  /// An empty result is an error saying what matched nothing.
  public func apply(_ cases: [Case]) throws(SelectionError) -> [Case] {
    let chosen = cases.filter(matches)
    guard !chosen.isEmpty else {
      throw SelectionError(
        "selection",
        "no case matches \(summary) (of \(cases.count) loaded);"
          + " nothing would be checked")
    }
    guard let shard else { return chosen }
    let mine = chosen.enumerated().filter {
      shard.contains(position: $0.offset)
    }.map(\.element)
    guard !mine.isEmpty else {
      throw SelectionError(
        "--shard",
        "shard \(shard) of \(chosen.count) selected cases is empty;"
          + " use fewer shards")
    }
    return mine
  }

  /// The selection as the command line gave it, e.g. "--filter a --tag b".
  public var summary: String {
    var parts: [String] = []
    for (flag, values) in [
      ("--loss", losses), ("--dtype", dtypes), ("--filter", filters),
      ("--exclude", excludes), ("--tag", tags), ("--exclude-tag", excludeTags),
    ] {
      parts += values.map { "\(flag) \($0)" }
    }
    if let selectFile { parts.append("--select \(selectFile)") }
    return parts.isEmpty ? "the whole golden set" : parts.joined(separator: " ")
  }

  /// The `selection` object of the JSON report (without the run's
  /// `errors`, `strict` and `jobs`, which the runner adds).
  public var json: JSONObject {
    func list(_ xs: [String]) -> JSONValue { .array(xs.map { .string($0) }) }
    return JSONObject([
      ("loss", list(losses)), ("dtype", list(dtypes)),
      ("filter", list(filters)), ("exclude", list(excludes)),
      ("tag", list(tags)), ("exclude_tag", list(excludeTags)),
      ("select_file", selectFile.map { .string($0) } ?? .null),
      ("shard", shard.map { .string($0.description) } ?? .null),
    ])
  }

  /// Whether `id` matches a `*`-wildcard pattern (the whole id), or
  /// contains the pattern when it has no `*`.
  public static func matches(_ id: String, _ pattern: String) -> Bool {
    guard pattern.contains("*") else { return id.contains(pattern) }
    let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
    var rest = Substring(id)
    for (k, part) in parts.enumerated() {
      if part.isEmpty { continue }
      if k == 0 {
        guard rest.hasPrefix(part) else { return false }
        rest = rest.dropFirst(part.count)
      } else if k == parts.count - 1 {
        return rest.hasSuffix(part)
      } else {
        guard let r = rest.range(of: part) else { return false }
        rest = rest[r.upperBound...]
      }
    }
    return true
  }
}

extension Substring {
  fileprivate var trimmingSpaces: Substring {
    var s = self
    while let f = s.first, f == " " || f == "\t" || f == "\r" {
      s = s.dropFirst()
    }
    while let l = s.last, l == " " || l == "\t" || l == "\r" {
      s = s.dropLast()
    }
    return s
  }
}
