import Foundation
import LossCheckHarness
import Testing

/// `losscheck bench` reads its rows from the golden directory's
/// benchmark.json: every fill kind and a tensor option make cases the
/// reference evaluates, and a malformed row is refused naming the field.
@Suite struct BenchWorkloadTests {
  /// Tiny rows covering every fill kind and a tensor option.
  static let tinyRows = #"""
    {"rows": [
      {"loss": "L1Loss", "wrt": ["input"], "inputs": {
        "input": {"shape": [3, 2], "fill": "uniform", "range": [-1, 1]},
        "target": {"shape": [3, 2], "fill": "uniform", "range": [-1, 1],
                   "seed": 2}}},
      {"loss": "SoftMarginLoss", "wrt": ["input"], "inputs": {
        "input": {"shape": [5], "fill": "uniform", "range": [-3, 3]},
        "target": {"shape": [5], "fill": "signs", "seed": 2}}},
      {"loss": "MultiLabelSoftMarginLoss", "wrt": ["input"], "inputs": {
        "input": {"shape": [2, 3], "fill": "uniform", "range": [-4, 4]},
        "target": {"shape": [2, 3], "fill": "bits", "seed": 2}}},
      {"loss": "NLLLoss", "wrt": ["input"], "inputs": {
        "input": {"shape": [4, 3], "fill": "log_softmax", "range": [-3, 3]},
        "target": {"shape": [4], "fill": "indices", "range": [0, 3]}}},
      {"loss": "KLDivLoss", "options": {"reduction": "batchmean"},
       "wrt": ["input"], "inputs": {
        "input": {"shape": [2, 5], "fill": "log_softmax", "range": [-3, 3]},
        "target": {"shape": [2, 5], "fill": "softmax", "range": [-3, 3]}}},
      {"loss": "BCEWithLogitsLoss", "wrt": ["input"],
       "options": {"pos_weight":
         {"shape": [4], "fill": "uniform", "range": [0.5, 2], "seed": 3}},
       "inputs": {
        "input": {"shape": [2, 4], "fill": "uniform", "range": [-4, 4]},
        "target": {"shape": [2, 4], "fill": "uniform", "range": [0, 1]}}},
      {"loss": "MultiLabelMarginLoss", "wrt": ["input"], "inputs": {
        "input": {"shape": [2, 4], "fill": "uniform", "range": [-1, 1]},
        "target": {"shape": [2, 4], "fill": "multilabel", "range": [1, 3]}}},
      {"loss": "CTCLoss", "wrt": ["log_probs"], "inputs": {
        "log_probs": {"shape": [6, 2, 4], "fill": "log_softmax",
                      "range": [-3, 3]},
        "targets": {"shape": [2, 3], "fill": "indices", "range": [1, 4]},
        "input_lengths": {"shape": [2], "fill": "constant", "value": 6},
        "target_lengths": {"shape": [2], "fill": "indices", "range": [1, 3]}}}
    ]}
    """#

  /// A golden directory with the real spec and `benchmark` as its
  /// benchmark.json.
  static func goldenDirectory(benchmark: String) throws -> String {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory
      .appendingPathComponent("losscheck-bench-\(UUID().uuidString)").path
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let real = GoldenCorpus.locate()
    try fm.copyItem(atPath: "\(real)/spec.json", toPath: "\(dir)/spec.json")
    try fm.copyItem(atPath: "\(real)/spec", toPath: "\(dir)/spec")
    try benchmark.write(
      toFile: "\(dir)/benchmark.json", atomically: true, encoding: .utf8)
    return dir
  }

  /// Runs `losscheck bench` on `golden`: (status, stdout, stderr).
  static func bench(golden: String) throws -> (Int32, String, String) {
    let exe = try #require(
      EvalHostileInputTests.losscheckExecutable(), "losscheck binary not built")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = [
      "bench", "--golden", golden, "--reps", "1", "--warmup", "1", "--json",
    ]
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (
      p.terminationStatus, String(decoding: o, as: UTF8.self),
      String(decoding: e, as: UTF8.self)
    )
  }

  @Test func everyFillKindMakesAnEvaluableRow() throws {
    let dir = try Self.goldenDirectory(benchmark: Self.tinyRows)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (status, out, err) = try Self.bench(golden: dir)
    #expect(status == 0, "\(err)")
    #expect(!out.contains("error:"), "\(out)")
    let last = try #require(out.split(separator: "\n").last)
    let timed = try JSONParser.parse(String(last))
    for loss in [
      "L1Loss", "SoftMarginLoss", "MultiLabelSoftMarginLoss", "NLLLoss",
      "KLDivLoss", "BCEWithLogitsLoss", "MultiLabelMarginLoss", "CTCLoss",
    ] {
      #expect(timed[loss] != nil, "no time for \(loss): \(out)")
    }
  }

  /// A benchmark.json of one L1Loss row with `input` as its input's fill.
  static func oneRow(_ input: String, wrt: String = "[]") -> String {
    #"{"rows": [{"loss": "L1Loss", "wrt": \#(wrt), "inputs": {"input": "#
      + input + "}}]}"
  }

  @Test(arguments: [
    (
      oneRow(#"{"shape": [3], "fill": "indices", "range": [5, 5]}"#),
      "rows[0] (L1Loss).inputs.input"
    ),
    (oneRow(#"{"shape": [3], "fill": "zipf"}"#), "zipf"),
    (oneRow(#"{"shape": [-3], "fill": "bits"}"#), "shape"),
    (oneRow(#"{"shape": [3], "fill": "bits"}"#, wrt: #"["weight"]"#), "wrt"),
    (#"{"rows": 3}"#, "rows"),
  ])
  func malformedRowsAreRefusedByName(file: String, mentioning: String)
    throws
  {
    let dir = try Self.goldenDirectory(benchmark: file)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (status, _, err) = try Self.bench(golden: dir)
    #expect(status != 0)
    #expect(err.contains(mentioning), "\(err)")
  }
}
