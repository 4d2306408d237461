import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// A damaged golden file gives one clear problem naming the file (and line
/// and case where known); the rest of the corpus still loads.
@Suite struct GoldenLoaderTests {
  func withCopy(_ body: (String) throws -> Void) throws {
    let src = GoldenCorpus.locate()
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("losscheck-golden-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: src, toPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
  }

  @Test func missingFileIsOneProblemAndTheRestLoads() throws {
    try withCopy { dir in
      try FileManager.default.removeItem(atPath: "\(dir)/L1Loss.jsonl")
      let corpus = try GoldenCorpus.load(directory: dir)
      #expect(corpus.problems.count == 1)
      #expect(corpus.problems.first?.file.hasSuffix("L1Loss.jsonl") == true)
      let others =
        Fixtures.corpus?.cases.filter { $0.loss != "L1Loss" }.count ?? -1
      #expect(corpus.cases.count == others)
    }
  }

  @Test func truncatedAndCorruptedLinesNameFileLineAndCase() throws {
    try withCopy { dir in
      let path = "\(dir)/L1Loss.jsonl"
      var lines = try String(contentsOfFile: path, encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false).map(
          String.init)
      let total = lines.filter { !$0.isEmpty }.count
      // Corrupt a tensor of line 2 (still valid JSON), cut the last line short.
      lines[1] = lines[1].replacingOccurrences(
        of: "\"shape\":[", with: "\"shape\":[7,")
      let last = lines.count - 2
      lines[last] = String(lines[last].prefix(lines[last].count / 2))
      try lines.dropLast().joined(separator: "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      let corpus = try GoldenCorpus.load(directory: dir, losses: ["L1Loss"])
      #expect(corpus.cases.count == total - 2)
      let lineNumbers = Set(corpus.problems.compactMap(\.line))
      #expect(lineNumbers.contains(2))
      #expect(lineNumbers.contains(last + 1))
      #expect(
        corpus.problems.contains { $0.caseID?.hasPrefix("L1Loss/") == true })
      #expect(corpus.problems.contains { $0.message.contains("truncated") })
    }
  }
}
