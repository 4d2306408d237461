import Foundation

/// A golden file that could not be read whole: the file, and where known
/// the line and case. Each one counts as a failure in a run.
public struct LoadProblem: Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var caseID: String?
  public var message: String

  public var description: String {
    var s = file
    if let line { s += ":\(line)" }
    if let caseID, !caseID.isEmpty { s += " (\(caseID))" }
    return "\(s): \(message)"
  }
}

/// The golden corpus: golden/<Loss>.jsonl, one case per line.
public struct GoldenCorpus: Sendable {
  public var directory: String
  public var spec: Spec
  public var cases: [Case]
  public var problems: [LoadProblem]

  /// The golden directory: `explicit` if given, else the first
  /// `golden/spec.json` found walking up from the current directory, else
  /// the one of this source tree.
  public static func locate(_ explicit: String? = nil, filePath: String = #filePath)
    -> String
  {
    if let explicit { return explicit }
    let fm = FileManager.default
    var dir = fm.currentDirectoryPath
    while true {
      if fm.fileExists(atPath: "\(dir)/golden/spec.json") { return "\(dir)/golden" }
      let parent = (dir as NSString).deletingLastPathComponent
      if parent == dir || parent.isEmpty { break }
      dir = parent
    }
    // Sources/LossCheckHarness/Golden.swift → the package root.
    let root = ((filePath as NSString).deletingLastPathComponent as NSString)
      .deletingLastPathComponent
    return ((root as NSString).deletingLastPathComponent as NSString)
      .appendingPathComponent("golden")
  }

  /// Loads the spec and the golden files of `losses` (all when nil).
  /// A spec that cannot be read is thrown; a golden file that cannot be
  /// read whole is recorded in `problems`, and the rest still loads.
  public static func load(directory: String, losses: Set<String>? = nil)
    throws(SpecError) -> GoldenCorpus
  {
    let spec = try Spec.load(goldenDirectory: directory)
    var cases: [Case] = []
    var problems: [LoadProblem] = []
    for loss in spec.lossNames where losses?.contains(loss) ?? true {
      let path = "\(directory)/\(loss).jsonl"
      let (c, p) = loadFile(path)
      cases += c
      problems += p
      for bad in c where bad.loss != loss {
        problems.append(
          LoadProblem(
            file: path, line: nil, caseID: bad.id,
            message: "a \(bad.loss) case in the \(loss) file"))
      }
    }
    return GoldenCorpus(
      directory: directory, spec: spec, cases: cases, problems: problems)
  }

  /// Reads one golden file: each line a case; an unreadable line is a
  /// problem naming the file, line and (when it can be read) the case id.
  public static func loadFile(_ path: String) -> ([Case], [LoadProblem]) {
    guard let data = FileManager.default.contents(atPath: path) else {
      return (
        [], [LoadProblem(file: path, line: nil, caseID: nil, message: "missing or unreadable")]
      )
    }
    return parse([UInt8](data), path: path)
  }

  /// Reads golden-file bytes (`path` names them in problems).
  public static func parse(_ bytes: [UInt8], path: String) -> ([Case], [LoadProblem]) {
    var cases: [Case] = []
    var problems: [LoadProblem] = []
    var seen = Set<String>()
    var lineNo = 0
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      lineNo += 1
      let line = bytes[start..<end]
      start = end + 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
      let json: JSONValue
      do {
        json = try JSONParser.parse(line)
      } catch {
        problems.append(
          LoadProblem(file: path, line: lineNo, caseID: nil, message: error.description))
        continue
      }
      do {
        let c = try Case(json: json)
        guard c.expected != nil else {
          problems.append(
            LoadProblem(file: path, line: lineNo, caseID: c.id, message: "no \"expected\""))
          continue
        }
        guard seen.insert(c.id).inserted else {
          problems.append(
            LoadProblem(file: path, line: lineNo, caseID: c.id, message: "duplicate id"))
          continue
        }
        cases.append(c)
      } catch {
        problems.append(
          LoadProblem(
            file: path, line: lineNo, caseID: Case.id(of: json),
            message: error.description))
      }
    }
    if bytes.last != 0x0A && !bytes.isEmpty {
      problems.append(
        LoadProblem(
          file: path, line: lineNo, caseID: nil,
          message: "truncated: the last line does not end in a newline"))
    }
    return (cases, problems)
  }

  /// Grid points (per dtype) that no golden value case covers, as
  /// "Loss/dtype: reduction=mean delta=0.5".
  public func uncoveredGridPoints() -> [String] {
    var missing: [String] = []
    for name in spec.lossNames {
      guard let loss = spec.losses[name] else { continue }
      let mine = cases.filter {
        if case .value? = $0.expected { return $0.loss == name }
        return false
      }
      for dtype in spec.dtypes {
        for point in loss.gridPoints {
          let covered = mine.contains { c in
            c.dtype == dtype
              && point.allSatisfy { (opt, want) in
                GoldenCorpus.matches(c, loss, opt, want)
              }
          }
          if !covered {
            let desc = point.map { "\($0.0)=\(JSONWriter.write($0.1))" }
            missing.append(
              "\(name)/\(dtype.rawValue): \(desc.joined(separator: " "))")
          }
        }
      }
    }
    return missing
  }

  static func matches(
    _ c: Case, _ loss: Spec.Loss, _ opt: String, _ want: JSONValue
  ) -> Bool {
    let o = loss.option(opt)
    let have = c.options[opt] ?? o?.defaultValue ?? .null
    if o?.type == "tensor" {
      var present = true
      if case .null = have { present = false }
      return want == .bool(present)
    }
    if case .number(let a) = have, case .number(let b) = want {
      return Double(a) == Double(b)
    }
    return have == want
  }
}
