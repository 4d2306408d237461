import Foundation
import LossCheckHarness
import Testing

/// A golden directory that is broken as a whole (files emptied, a spec
/// missing, a stray golden file, a malformed spec, a point of the grid
/// left uncovered) is reported as problems that fail the run, each naming
/// what is wrong; a missing folder is one clear error.
@Suite struct GoldenIntegrityTests {
  /// Runs `body` on a fresh copy of the golden directory.
  static func withCopy(_ body: (String) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("losscheck-integrity-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: GoldenCorpus.locate(), toPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
  }

  static func goldenFiles(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir)
      .filter { $0.hasSuffix(".jsonl") }.sorted()
  }

  @Test func theShippedCorpusHasNoProblems() throws {
    let corpus = try GoldenCorpus.load(directory: GoldenCorpus.locate())
    #expect(corpus.problems.isEmpty, "\(corpus.problems)")
  }

  @Test func everyFileEmptiedIsAProblemPerLossAndNoCases() throws {
    try Self.withCopy { dir in
      let files = try Self.goldenFiles(dir)
      for f in files {
        try Data().write(to: URL(fileURLWithPath: "\(dir)/\(f)"))
      }
      let corpus = try GoldenCorpus.load(directory: dir)
      #expect(corpus.cases.isEmpty)
      for f in files {
        let loss = String(f.dropLast(".jsonl".count))
        #expect(
          corpus.problems.contains {
            $0.file.hasSuffix("/\(f)") && $0.message.contains("no golden cases")
          }, "nothing says \(loss) has no cases")
      }
      #expect(
        corpus.problems.contains { $0.message.contains("no cases at all") })
      #expect(corpus.problems.count == files.count + 1)
    }
  }

  @Test func aGoldenFileWithoutItsSpecIsAProblem() throws {
    try Self.withCopy { dir in
      try FileManager.default.removeItem(atPath: "\(dir)/spec/HuberLoss.json")
      let corpus = try GoldenCorpus.load(directory: dir)
      #expect(corpus.spec.losses["HuberLoss"] == nil)
      let p = corpus.problems.filter { $0.file.hasSuffix("/HuberLoss.jsonl") }
      #expect(p.count == 1)
      #expect(p.first?.message.contains("no spec") == true, "\(p)")
    }
  }

  @Test func aStrayGoldenFileIsAProblem() throws {
    try Self.withCopy { dir in
      let line = #"{"id":"FooLoss/1","loss":"FooLoss"}"# + "\n"
      try Data(line.utf8).write(
        to: URL(fileURLWithPath: "\(dir)/FooLoss.jsonl"))
      let corpus = try GoldenCorpus.load(directory: dir)
      #expect(corpus.problems.count == 1, "\(corpus.problems)")
      #expect(corpus.problems.first?.file.hasSuffix("/FooLoss.jsonl") == true)
      // A run of one loss looks only at that loss.
      let one = try GoldenCorpus.load(directory: dir, losses: ["L1Loss"])
      #expect(one.problems.isEmpty, "\(one.problems)")
    }
  }

  @Test func anUncoveredGridPointIsAProblem() throws {
    try Self.withCopy { dir in
      let path = "\(dir)/HuberLoss.jsonl"
      let kept = try String(contentsOfFile: path, encoding: .utf8)
        .split(separator: "\n")
        .filter { !$0.contains(#""delta":2.0"#) && !$0.contains(#""delta":2"#) }
      try (kept.joined(separator: "\n") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      let corpus = try GoldenCorpus.load(directory: dir)
      #expect(!corpus.uncoveredGridPoints().isEmpty)
      let p = corpus.problems.filter { $0.message.contains("grid point") }
      #expect(p.count == corpus.uncoveredGridPoints().count, "\(p)")
      #expect(p.allSatisfy { $0.message.contains("HuberLoss") })
    }
  }

  /// Spec files that are valid JSON but not a spec: each one clear error
  /// naming the file, never a corpus whose cases then fail one by one.
  @Test(arguments: [
    (#""inputs": ["#, #""inputs": "none", "x": ["#),
    (#""loss": "HuberLoss""#, #""loss": "HuberLos""#),
    (#""type": "float""#, #""type": "flaot""#),
    (#""default": "mean""#, #""default": "average""#),
    (#""differentiable": true"#, #""differentiable": "yes""#),
    (#""options": ["#, #""options": {}, "y": ["#),
  ])
  func aMalformedSpecIsOneError(_ edit: (String, String)) throws {
    try Self.withCopy { dir in
      let path = "\(dir)/spec/HuberLoss.json"
      let text = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text.contains(edit.0))
      try text.replacingOccurrences(of: edit.0, with: edit.1).write(
        toFile: path, atomically: true, encoding: .utf8)
      #expect(throws: SpecError.self) {
        _ = try GoldenCorpus.load(directory: dir)
      }
      do throws(SpecError) {
        _ = try GoldenCorpus.load(directory: dir)
      } catch {
        #expect(error.file == path)
      }
    }
  }

  @Test func aMissingFolderIsOneLineWithoutAFoundationDump() throws {
    try Self.withCopy { dir in
      try FileManager.default.removeItem(atPath: "\(dir)/spec")
      for bad in ["\(dir)/nowhere", dir] {
        do throws(SpecError) {
          _ = try GoldenCorpus.load(directory: bad)
          Issue.record("\(bad) loaded")
        } catch {
          let text = error.description
          #expect(!text.contains("NSCocoaErrorDomain"), "\(text)")
          #expect(!text.contains("\n"), "\(text)")
          #expect(text.contains(bad), "\(text)")
        }
      }
    }
  }
}
