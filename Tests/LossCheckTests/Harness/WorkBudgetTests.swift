import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// Small lines whose evaluation would need tens of gigabytes: each gets a
/// `resource_limit` error result (naming the estimate and the limit)
/// instead of an abort, and the stream goes on.
@Suite struct WorkBudgetTests {
  static func tensor(_ dtype: String, _ shape: [Int], _ data: String = "")
    -> String
  {
    CaseLines.tensor(dtype, shape, data)
  }

  static func line(
    _ loss: String, _ inputs: [(String, String)], options: String = "{}",
    wrt: String = "input"
  ) -> String {
    CaseLines.line(
      id: "big/\(loss)", loss: loss, dtype: "float64", inputs,
      options: options, wrt: wrt)
  }

  /// A batch of no rows with 2^31 − 1 classes: the tensors are empty, the
  /// per-thread class scratch is not.
  static let emptyBatchHugeClasses: [String] = {
    let c = 2_147_483_647
    let x = tensor("float64", [0, c])
    return [
      line(
        "MultiLabelMarginLoss",
        [("input", x), ("target", tensor("int64", [0, c]))]),
      line("MultiLabelSoftMarginLoss", [("input", x), ("target", x)]),
      line(
        "MultiMarginLoss", [("input", x), ("target", tensor("int64", [0]))]),
      line(
        "CrossEntropyLoss", [("input", x), ("target", tensor("int64", [0]))]),
    ]
  }()

  /// Broadcasting beyond the reader's per-tensor limit.
  static let broadcasts: [String] = {
    let col = (0..<65536).map { _ in "1" }.joined(separator: ",")
    let n = 20_000
    let row = (0..<n).map { _ in "0.5" }.joined(separator: ",")
    return [
      line(
        "L1Loss",
        [
          ("input", tensor("float64", [65536, 1], col)),
          ("target", tensor("float64", [1, 65536], col)),
        ]),
      line(
        "MSELoss",
        [
          ("input", tensor("float64", [n, 1], row)),
          ("target", tensor("float64", [1, n], row)),
        ],
        options: #"{"reduction":"none"}"#),
    ]
  }()

  static let valid =
    #"{"id":"v","loss":"L1Loss","dtype":"float64","inputs":{"input":{"dtype":"float64","shape":[2],"data":[1,2]},"target":{"dtype":"float64","shape":[2],"data":[0,0]}}}"#

  func answer(_ line: String, _ backend: ReferenceBackend) throws -> JSONValue {
    let text = try #require(EvalLoop.answer(Array(line.utf8), backend: backend))
    return try JSONParser.parse(text)
  }

  /// The findings by name (the lines are too long to show as arguments).
  static let overBudget: [String: String] = {
    let all = emptyBatchHugeClasses + broadcasts
    var d: [String: String] = [:]
    for (k, line) in all.enumerated() {
      let loss = (try? Case(json: JSONParser.parse(line)))?.loss ?? "?"
      d["\(k): \(loss)"] = line
    }
    return d
  }()

  @Test(arguments: overBudget.keys.sorted())
  func aCaseOverTheBudgetIsRefused(_ name: String) throws {
    let spec = try #require(Fixtures.spec)
    let line = try #require(Self.overBudget[name])
    let r = try answer(line, ReferenceBackend(spec: spec))
    #expect(r["error"]?["kind"] == .string("resource_limit"))
    guard case .string(let message)? = r["error"]?["message"] else {
      Issue.record("no message: \(JSONWriter.write(r).prefix(200))")
      return
    }
    #expect(message.contains("limit of \(WorkBudget.defaultMaxElements)"))
    #expect(message.contains("about "))
    #expect(r["id"] == .string(Case.id(of: try JSONParser.parse(line))))
  }

  @Test func theDefaultBudgetAcceptsEveryGoldenCase() throws {
    let corpus = try #require(Fixtures.corpus)
    let spec = corpus.spec
    let budget = WorkBudget()
    for c in corpus.cases {
      guard let loss = spec.losses[c.loss],
        let call = try? LossCall(c, spec: loss)
      else { continue }
      #expect(budget.refusal(for: call) == nil, "\(c.id)")
    }
  }

  @Test func aSmallBudgetRefusesAnOrdinaryCase() throws {
    let spec = try #require(Fixtures.spec)
    let tight = ReferenceBackend(spec: spec, budget: WorkBudget(maxElements: 3))
    let r = try answer(Self.valid, tight)
    #expect(r["error"]?["kind"] == .string("resource_limit"))
    let roomy = ReferenceBackend(
      spec: spec, budget: WorkBudget(maxElements: 1000))
    #expect(try answer(Self.valid, roomy)["output"] != nil)
  }

  /// The estimate counts the class scratch of an empty batch, and grows
  /// with the gradients asked for.
  @Test func theEstimateFollowsTheShapes() throws {
    let spec = try #require(Fixtures.spec)
    func estimate(_ line: String) throws -> Int {
      let c = try Case(json: JSONParser.parse(line))
      let loss = try #require(spec.losses[c.loss])
      return WorkEstimate.elements(try LossCall(c, spec: loss))
    }
    let mlm = try estimate(Self.emptyBatchHugeClasses[0])
    #expect(mlm >= 4 * 2_147_483_647)
    let l1 = try estimate(Self.broadcasts[0])
    #expect(l1 >= 65536 * 65536)
    let x = Self.tensor(
      "float64", [3, 4], Array(repeating: "1", count: 12).joined(separator: ",")
    )
    let none = try estimate(
      Self.line("L1Loss", [("input", x), ("target", x)], wrt: "input"))
    let noGrad = try estimate(
      Self.line("L1Loss", [("input", x), ("target", x)], wrt: "input")
        .replacingOccurrences(
          of: #""grad_wrt":["input"],"#, with: ""))
    #expect(none > noGrad && noGrad >= 12)
  }

  /// `losscheck eval`: the over-budget lines between valid ones get one
  /// error result each, in order, and `--max-elements` sets the budget.
  @Test func theEvalStreamGoesOnAndTheFlagApplies() throws {
    let exe = try #require(
      EvalHostileInputTests.losscheckExecutable(), "losscheck binary not built")
    let lines =
      [Self.valid] + Self.emptyBatchHugeClasses + [
        Self.broadcasts[0], Self.valid,
      ]
    let out = try Self.eval(exe, lines, extra: [])
    #expect(out.count == lines.count)
    #expect(out.first?.contains("\"output\"") == true)
    #expect(out.last?.contains("\"output\"") == true)
    for o in out.dropFirst().dropLast() {
      #expect(o.contains("\"resource_limit\""))
    }
    let tight = try Self.eval(
      exe, [Self.valid], extra: ["--max-elements", "3"])
    #expect(tight.count == 1 && tight[0].contains("limit of 3 "))
  }

  static func eval(_ exe: String, _ lines: [String], extra: [String]) throws
    -> [Substring]
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["eval", "--golden", GoldenCorpus.locate()] + extra
    let inPipe = Pipe()
    let outPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    try p.run()
    inPipe.fileHandleForWriting.write(
      Data((lines.joined(separator: "\n") + "\n").utf8))
    try inPipe.fileHandleForWriting.close()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    return String(decoding: out, as: UTF8.self).split(separator: "\n")
  }
}
