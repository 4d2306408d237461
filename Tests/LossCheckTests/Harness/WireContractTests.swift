import Foundation
import LossCheck
import LossCheckHarness
import Testing

/// The typed wire words: a spec's option types and input dtypes are read
/// once and a word the harness does not know is refused naming it; error
/// kinds keep any word a backend answers; a golden never expects
/// `unsupported`; a grid point writes and reads its report text.
@Suite struct WireContractTests {
  /// A golden directory holding only spec.json and spec/ (all `Spec.load`
  /// reads), with `edit` applied to spec/<loss>.json; `body` gets the
  /// directory and the edited file's path.
  static func withSpec(
    _ loss: String, _ edit: (String, String),
    _ body: (String, String) throws -> Void
  ) throws {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory
      .appendingPathComponent("losscheck-wire-\(UUID().uuidString)").path
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: dir) }
    let golden = GoldenCorpus.locate()
    try fm.copyItem(atPath: "\(golden)/spec.json", toPath: "\(dir)/spec.json")
    try fm.copyItem(atPath: "\(golden)/spec", toPath: "\(dir)/spec")
    let path = "\(dir)/spec/\(loss).json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try #require(text.contains(edit.0), "\(loss).json has no \(edit.0)")
    try text.replacingOccurrences(of: edit.0, with: edit.1).write(
      toFile: path, atomically: true, encoding: .utf8)
    try body(dir, path)
  }

  /// Loads the spec and returns its error (nil when it loads).
  static func specError(_ dir: String) -> SpecError? {
    do throws(SpecError) {
      _ = try Spec.load(goldenDirectory: dir)
      return nil
    } catch {
      return error
    }
  }

  // MARK: Spec words

  @Test func theShippedSpecReadsEachWordIntoTheCaseOfThatWord() throws {
    let dir = GoldenCorpus.locate()
    let spec = try Spec.load(goldenDirectory: dir)
    var seen = 0
    for (name, loss) in spec.losses {
      let data = try #require(
        FileManager.default.contents(atPath: "\(dir)/spec/\(name).json"))
      let raw = try JSONParser.parse(data)
      guard case .array(let options)? = raw["options"],
        case .array(let inputs)? = raw["inputs"]
      else {
        Issue.record("\(name): no options or inputs list")
        continue
      }
      for o in options {
        guard case .string(let n)? = o["name"],
          case .string(let word)? = o["type"]
        else { continue }
        #expect(loss.option(n)?.type.rawValue == word, "\(name).\(n)")
        seen += 1
      }
      for i in inputs {
        guard case .string(let n)? = i["name"] else { continue }
        var word = "float"  // the default when a spec names no dtype
        if case .string(let w)? = i["dtype"] { word = w }
        let input = loss.inputs.first { $0.name == n }
        #expect(input?.dtype.rawValue == word, "\(name).\(n)")
        seen += 1
      }
    }
    #expect(seen > 2 * spec.losses.count)
    let target = spec.losses["CrossEntropyLoss"]?.inputs.first {
      $0.name == "target"
    }
    #expect(target?.dtype == .any)
    let reduction = spec.losses["HuberLoss"]?.option("reduction")
    #expect(reduction?.type == .enumeration)
  }

  @Test func anUnknownOptionTypeIsRefusedNamingFileFieldAndWord() throws {
    try Self.withSpec(
      "HuberLoss", (#""type": "float""#, #""type": "flaot""#)
    ) { dir, path in
      let e = try #require(Self.specError(dir), "the spec loaded")
      #expect(e.file == path)
      #expect(e.message.contains(#"options.delta.type "flaot""#), "\(e)")
      #expect(
        e.message.contains("bool, enum, float, int, string, tensor"), "\(e)")
    }
  }

  @Test func anUnknownInputDTypeIsRefusedNamingFileFieldAndWord() throws {
    try Self.withSpec(
      "CrossEntropyLoss", (#""dtype": "any""#, #""dtype": "anything""#)
    ) { dir, path in
      let e = try #require(Self.specError(dir), "the spec loaded")
      #expect(e.file == path)
      #expect(e.message.contains(#"inputs.target.dtype "anything""#), "\(e)")
      #expect(e.message.contains("any, float, int64"), "\(e)")
    }
  }

  @Test func anInputDTypeThatIsNotAStringIsRefusedNamingTheField() throws {
    try Self.withSpec(
      "HuberLoss", (#""dtype": "float""#, #""dtype": 3"#)
    ) { dir, path in
      let e = try #require(Self.specError(dir), "the spec loaded")
      #expect(e.file == path)
      #expect(e.message.contains("inputs.input.dtype"), "\(e)")
    }
  }

  // MARK: Error kinds

  @Test func everyKnownWordReadsAsItsKindAndWritesBackTheSame() {
    for k in LossError.Kind.allCases {
      #expect(ErrorKind(rawValue: k.rawValue) == .loss(k))
      guard case .loss = ErrorKind(rawValue: k.rawValue) else {
        Issue.record("\(k.rawValue) is not read as a loss kind")
        continue
      }
    }
    for k in HarnessErrorKind.allCases {
      guard case .harness(k) = ErrorKind(rawValue: k.rawValue) else {
        Issue.record("\(k.rawValue) is not read as a harness kind")
        continue
      }
      #expect(ErrorKind.harness(k).rawValue == k.rawValue)
    }
    // The harness words the docs list, byte for byte.
    #expect(
      Set(HarnessErrorKind.allCases.map(\.rawValue)) == [
        "backend_crashed", "backend_timeout", "backend_bad_answer",
        "backend_error", "interrupted", "resource_limit",
      ])
    let loss = Set(LossError.Kind.allCases.map(\.rawValue))
    #expect(loss.isDisjoint(with: HarnessErrorKind.allCases.map(\.rawValue)))
  }

  @Test func aResultWithAnUnknownKindIsReportedWithThatWord() throws {
    let line = #"{"id":"c","error":{"kind":"gpu_on_fire","message":"hot"}}"#
    let r = try CaseResult(json: JSONParser.parse(line))
    guard case .error(let kind, let message) = r.outcome else {
      Issue.record("not an error: \(r.outcome)")
      return
    }
    guard case .unknown("gpu_on_fire") = kind else {
      Issue.record("read as \(kind)")
      return
    }
    #expect(message == "hot")
    // The result line writes the word back as it came.
    #expect(JSONWriter.write(r.json) == line)

    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .error(kind: .loss(.shapeMismatch), message: "sizes"))
    let tol = Tolerance(rtol: 0, atol: 0)
    let v = Judge.verdict(c, r, tolerance: tol)
    #expect(v.status == .failed)
    #expect(
      v.problems.contains {
        $0.contains("expected error shape_mismatch")
          && $0.contains("got error gpu_on_fire: hot")
      }, "\(v.problems)")
    let report = ReportJSON.encode(RunReport(backend: "x", verdicts: [v]))
    #expect(report.contains(#""error_kind":"gpu_on_fire""#))
    let back = try ReportJSON.decode(Array(report.utf8), source: "r.json")
    #expect(back.verdicts.first?.actual == v.actual)
    #expect(ReportJSON.encode(back) == report)
    // As today, `--errors any` takes any error for an expected error.
    #expect(Judge.verdict(c, r, tolerance: tol, errors: .any).passed)
  }

  @Test func anUnknownWordHeldByHandEqualsTheKnownKind() {
    #expect(ErrorKind.unknown("invalid_option") == .loss(.invalidOption))
    #expect(
      Set([ErrorKind.unknown("interrupted"), .harness(.interrupted)]).count
        == 1)
    #expect(ErrorKind.unknown("a") != .unknown("b"))
  }

  // MARK: Outcome

  @Test func aGoldenExpectingUnsupportedIsRefusedNamingTheField() throws {
    let line =
      #"{"id":"L1Loss/x","loss":"L1Loss","dtype":"float64","inputs":{},"#
      + #""expected":{"unsupported":"never"}}"#
    let json = try JSONParser.parse(line)
    do throws(CaseError) {
      _ = try Case(json: json)
      Issue.record("a golden expecting unsupported was read")
    } catch {
      #expect(error.field == "expected.unsupported", "\(error)")
    }
    let (cases, problems) = GoldenCorpus.parse(
      Array((line + "\n").utf8), path: "g.jsonl")
    #expect(cases.isEmpty)
    #expect(problems.count == 1)
    #expect(
      problems.first?.description.contains("expected.unsupported") == true,
      "\(problems)")
    #expect(problems.first?.caseID == "L1Loss/x")
  }

  @Test func aResultMayStillAnswerUnsupported() throws {
    let r = try CaseResult(
      json: JSONParser.parse(#"{"id":"c","unsupported":"no bf16"}"#))
    guard case .unsupported("no bf16") = r.outcome else {
      Issue.record("read as \(r.outcome)")
      return
    }
  }

  @Test func aCaseBuiltInCodeExpectingUnsupportedFails() throws {
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .unsupported(reason: "x"))
    let r = CaseResult(
      id: "c", outcome: .error(kind: .loss(.shapeMismatch), message: ""))
    let v = Judge.verdict(c, r, tolerance: Tolerance(rtol: 0, atol: 0))
    #expect(v.status == .failed)
    #expect(v.problems.contains { $0.contains("expects unsupported") })
  }

  // MARK: Grid points

  /// Grid point texts as reports have always written them:
  /// "Loss/dtype: " then `name=<compact JSON>` joined by one space.
  static let reportTexts = [
    #"L1Loss/float64: reduction="sum""#,
    #"HuberLoss/float32: reduction="none" delta=1.0"#,
    #"CrossEntropyLoss/bfloat16: weight=true ignore_index=-100 "#
      + #"label_smoothing=0.1 reduction="mean""#,
    #"NoGrid/float16: "#,
    #"Odd/float64: name="a b \"c\" d=e" flag=false none=null"#,
  ]

  @Test(arguments: reportTexts)
  func aGridPointReadsBackToItsReportText(_ text: String) throws {
    let p = try #require(GridPoint(text), "\(text) not read")
    #expect(p.description == text)
    #expect(GridPoint(p.description) == p)
  }

  @Test func aGridPointWritesTheOptionsAsBefore() throws {
    let p = GridPoint(
      loss: "HuberLoss", dtype: .float32,
      assignments: [
        .init(option: "reduction", value: .string("none")),
        .init(option: "delta", value: .number("1.0")),
      ])
    #expect(p.description == #"HuberLoss/float32: reduction="none" delta=1.0"#)
    let read = try #require(GridPoint(p.description))
    #expect(read.loss == "HuberLoss")
    #expect(read.dtype == .float32)
    #expect(read.assignments == p.assignments)
    let odd = try #require(GridPoint(Self.reportTexts[4]))
    #expect(odd.assignments.first?.value == .string(#"a b "c" d=e"#))
    #expect(odd.assignments.map(\.option) == ["name", "flag", "none"])
  }

  @Test(arguments: [
    "L1Loss float64: reduction=\"sum\"",
    "L1Loss/float99: reduction=\"sum\"",
    "L1Loss/int64x: ",
    "L1Loss/float64:reduction=\"sum\"",
    "L1Loss/float64: reduction",
    "L1Loss/float64: reduction=",
    "L1Loss/float64: reduction=sum",
    "L1Loss/float64: reduction=\"sum\" ",
    "L1Loss/float64: reduction=\"sum\"  delta=1",
    "L1Loss/float64: =1",
    "L1Loss/float64",
  ])
  func aTextThatIsNotAGridPointIsRefused(_ text: String) {
    #expect(GridPoint(text) == nil, "\(text) was read")
  }

  @Test func anUncoveredPointOfTheCorpusIsWrittenAsBefore() throws {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory
      .appendingPathComponent("losscheck-grid-\(UUID().uuidString)").path
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: dir) }
    let golden = GoldenCorpus.locate()
    try fm.copyItem(atPath: "\(golden)/spec.json", toPath: "\(dir)/spec.json")
    try fm.copyItem(atPath: "\(golden)/spec", toPath: "\(dir)/spec")
    let lines = try String(
      contentsOfFile: "\(golden)/HuberLoss.jsonl", encoding: .utf8
    ).split(separator: "\n").filter { !$0.contains(#""delta":2.0"#) }
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: "\(dir)/HuberLoss.jsonl", atomically: true, encoding: .utf8)
    let corpus = try GoldenCorpus.load(directory: dir, losses: ["HuberLoss"])
    // Written out by hand in the report's text form, in the spec's order.
    var want: [String] = []
    for d in corpus.spec.dtypes {
      for r in ["none", "mean", "sum"] {
        want.append("HuberLoss/\(d.rawValue): reduction=\"\(r)\" delta=2.0")
      }
    }
    let points = corpus.uncoveredGridPoints()
    #expect(points.map(\.description) == want)
    #expect(points.allSatisfy { GridPoint($0.description) == $0 })
    let messages = corpus.problems.map(\.message)
    #expect(
      messages == want.map { "no golden case covers the grid point \($0)" })
  }

  @Test func aReportWithAMalformedGridPointIsRefusedNamingTheField() throws {
    let r = RunReport(
      backend: "x", verdicts: [],
      uncovered: [GridPoint(loss: "L1Loss", dtype: .float64, assignments: [])])
    let text = ReportJSON.encode(r)
    #expect(text.contains(#""uncovered_grid_points":["L1Loss/float64: "]"#))
    let bad = text.replacingOccurrences(
      of: #""L1Loss/float64: ""#, with: #""L1Loss float64""#)
    do throws(ReportDecodeError) {
      _ = try ReportJSON.decode(Array(bad.utf8), source: "r.json")
      Issue.record("a malformed grid point was read")
    } catch {
      #expect(error.field == "uncovered_grid_points", "\(error)")
      #expect(error.message.contains("L1Loss float64"), "\(error)")
    }
  }
}
