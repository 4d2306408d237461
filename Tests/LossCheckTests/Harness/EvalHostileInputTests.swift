import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// Hostile lines to `losscheck eval`: each gets exactly one error result,
/// quickly, and nothing traps.
@Suite struct EvalHostileInputTests {
  static let valid =
    #"{"id":"v","loss":"L1Loss","dtype":"float64","inputs":{"input":{"dtype":"float64","shape":[2],"data":[1,2]},"target":{"dtype":"float64","shape":[2],"data":[0,0]}}}"#

  static func variant(_ from: String, _ to: String) -> String {
    valid.replacingOccurrences(of: from, with: to)
  }

  static let hostile: [(String, String)] = [
    ("malformed JSON", #"{"id": "v", "loss": "#),
    ("top-level array", "[1, 2, 3]"),
    ("top-level string", #""L1Loss""#),
    ("unknown loss", variant("L1Loss", "L2Loss")),
    (
      "unknown option",
      variant(
        #""dtype":"float64","inputs""#,
        #""dtype":"float64","options":{"beta":1},"inputs""#)
    ),
    (
      "option of the wrong type",
      variant(
        #""dtype":"float64","inputs""#,
        #""dtype":"float64","options":{"reduction":3},"inputs""#)
    ),
    (
      "options not an object",
      variant(
        #""dtype":"float64","inputs""#,
        #""dtype":"float64","options":[],"inputs""#)
    ),
    (
      "dtype a number",
      variant(#""dtype":"float64","inputs""#, #""dtype":64,"inputs""#)
    ),
    ("string element", variant("[1,2]", #"[1,"two"]"#)),
    ("NaN spelled NaN", variant("[1,2]", #"[1,"NaN"]"#)),
    ("count mismatch", variant("[1,2]", "[1,2,3]")),
    (
      "negative shape",
      variant(#""shape":[2],"data":[1,2]"#, #""shape":[-2],"data":[1,2]"#)
    ),
    (
      "absurd shape",
      variant(
        #""shape":[2],"data":[1,2]"#, #""shape":[1000000,1000000],"data":[1,2]"#
      )
    ),
    (
      "overflowing shape",
      variant(
        #""shape":[2],"data":[1,2]"#,
        #""shape":[4294967296,4294967296,4294967296],"data":[1,2]"#)
    ),
    (
      "non-integral shape",
      variant(#""shape":[2],"data":[1,2]"#, #""shape":[2.5],"data":[1,2]"#)
    ),
    (
      "unknown dtype",
      variant(
        #"{"dtype":"float64","shape":[2],"data":[1,2]}"#,
        #"{"dtype":"bfloat16","shape":[2],"data":[1,2]}"#)
    ),
    (
      "non-integral int64",
      variant(
        #"{"dtype":"float64","shape":[2],"data":[0,0]}"#,
        #"{"dtype":"int64","shape":[2],"data":[0,0.5]}"#)
    ),
    (
      "deep nesting",
      String(repeating: "[", count: 50_000)
        + String(repeating: "]", count: 50_000)
    ),
    (
      "deep nesting in an object",
      "{\"a\":" + String(repeating: "{\"a\":", count: 10_000) + "1"
        + String(repeating: "}", count: 10_001)
    ),
    ("huge number", variant("[1,2]", "[1e999999999,2]")),
    ("missing inputs", #"{"id":"v","loss":"L1Loss","dtype":"float64"}"#),
    (
      "grad_wrt of an unknown input",
      variant(#""inputs""#, #""grad_wrt":["weight"],"inputs""#)
    ),
    (
      "grad_output of the wrong shape",
      variant(
        #""inputs""#,
        #""grad_wrt":["input"],"grad_output":{"dtype":"float64","shape":[3],"data":[1,1,1]},"inputs""#
      )
    ),
  ]

  func answer(_ line: String) throws -> JSONValue {
    let spec = try #require(Fixtures.spec)
    let text = try #require(
      EvalLoop.answer(Array(line.utf8), backend: ReferenceBackend(spec: spec)))
    return try JSONParser.parse(text)
  }

  @Test func theValidLineIsAnswered() throws {
    let r = try answer(Self.valid)
    #expect(r["output"] != nil)
  }

  @Test(arguments: hostile)
  func eachHostileLineGetsOneErrorResult(_ what: String, _ line: String) throws
  {
    // The clock times the answer, not the first load of the corpus.
    _ = try #require(Fixtures.spec)
    let start = Date()
    let r = try answer(line)
    #expect(
      r["error"]?["kind"] != nil, "\(what): \(JSONWriter.write(r).prefix(300))")
    #expect(Date().timeIntervalSince(start) < 2, "\(what) took too long")
  }

  @Test func invalidUTF8GetsAnErrorResult() throws {
    let spec = try #require(Fixtures.spec)
    var bytes = Array(Self.valid.utf8)
    bytes.insert(contentsOf: [0xC3, 0x28], at: 8)
    let text = try #require(
      EvalLoop.answer(bytes, backend: ReferenceBackend(spec: spec)))
    #expect(try JSONParser.parse(text)["error"] != nil)
  }

  @Test func aThreeMegabyteLineIsAnsweredQuickly() throws {
    let n = 300_000
    let data = Array(repeating: "0.123456", count: n).joined(separator: ",")
    let line = Self.variant(
      #""shape":[2],"data":[1,2]"#, "\"shape\":[\(n)],\"data\":[\(data)]")
    #expect(line.utf8.count > 2_500_000)
    let start = Date()
    let r = try answer(line)
    // input (n) and target (2) do not broadcast: an error, after parsing it all.
    #expect(r["error"]?["kind"] == .string("shape_mismatch"))
    #expect(Date().timeIntervalSince(start) < 10)
  }

  @Test func theStreamGoesOnAfterBadLines() throws {
    // The eval binary itself: bad lines in between good ones, one answer each.
    let exe = try #require(
      Self.losscheckExecutable(), "losscheck binary not built")
    let input =
      [Self.valid, "{", "", "[]", Self.valid].joined(separator: "\n") + "\n"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["eval", "--golden", GoldenCorpus.locate()]
    let inPipe = Pipe()
    let outPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    try p.run()
    inPipe.fileHandleForWriting.write(Data(input.utf8))
    try inPipe.fileHandleForWriting.close()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
    #expect(p.terminationStatus == 0)
    #expect(lines.count == 4)  // the blank line gets no answer
    #expect(lines.first?.contains("\"output\"") == true)
    #expect(lines.last?.contains("\"output\"") == true)
    #expect(lines[1].contains("\"error\"") && lines[2].contains("\"error\""))
  }

  /// The `losscheck` built beside this test bundle.
  static func losscheckExecutable() -> String? {
    let me = ProcessInfo.processInfo.arguments.first ?? ""
    var dir = (me as NSString).deletingLastPathComponent
    for _ in 0..<3 {
      let candidate = (dir as NSString).appendingPathComponent("losscheck")
      if FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
      }
      dir = (dir as NSString).deletingLastPathComponent
    }
    return nil
  }
}
