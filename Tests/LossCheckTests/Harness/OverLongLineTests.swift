import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Golden files and exec answers are read with a line limit derived from
/// the work budget: an over-long line is dropped as it streams (never held
/// whole), an answer line over it is that case's `resource_limit` with the
/// stream still in step, and a golden line over it is a problem naming the
/// file and line.
@Suite struct OverLongLineTests {
  /// The outcomes of reading `script`'s standard output to its end.
  func outcomes(of script: String, limit: Int) throws -> (
    [LineReader.Outcome], LineReader
  ) {
    let p = try SupervisedProcess.spawn(["/bin/sh", "-c", script])
    defer { p.stop() }
    var reader = LineReader(
      fd: p.stdoutFD, drainFD: p.stderrFD, maxLineBytes: limit)
    var out: [LineReader.Outcome] = []
    let deadline = LineReader.monotonicSeconds() + 60
    while true {
      let next = reader.next(deadline: deadline)
      out.append(next)
      if case .line = next { continue }
      if case .tooLong = next { continue }
      break
    }
    return (out, reader)
  }

  @Test func anOverLongAnswerLineIsDroppedWithoutBeingHeld() throws {
    let size = 10_000_000
    let (got, reader) = try outcomes(
      of: "printf 'short\\n'; head -c \(size) /dev/zero | tr '\\0' x; "
        + "printf '\\nafter\\n'", limit: 4096)
    #expect(
      got == [
        .line(Array("short".utf8)), .tooLong(byteCount: size),
        .line(Array("after".utf8)), .closed,
      ])
    // The buffer holds at most the limit and a read or two, never the
    // 10 MB line.
    #expect(
      reader.peakBufferedBytes < 1 << 20,
      "the buffer held \(reader.peakBufferedBytes) bytes")
    #expect(reader.bytesTouched <= 2 * (size + 20))
  }

  @Test func aLineAtTheLimitIsKeptOneByteMoreIsNot() throws {
    let (got, _) = try outcomes(
      of: "printf '12345\\n123456\\n\\n'", limit: 5)
    #expect(
      got == [
        .line(Array("12345".utf8)), .tooLong(byteCount: 6), .line([]),
        .closed,
      ])
  }

  /// A backend whose answer to case "big" is a 4 MB line; its other
  /// answers are small, carrying the program's pid.
  static let bigAnswerBackend = """
    python3 -u -c 'import sys, json, os
    for line in sys.stdin:
        i = json.loads(line)["id"]
        m = "x" * (4 << 20) if i == "big" else str(os.getpid())
        e = {"kind": "shape_mismatch", "message": m}
        sys.stdout.write(json.dumps({"id": i, "error": e}) + "\\n")
        sys.stdout.flush()'
    """

  @Test func anOverLongAnswerIsThatCasesResourceLimitAndTheRunGoesOn() throws {
    let backend = ExecBackend(
      command: Self.bigAnswerBackend, timeout: 20, startupTimeout: 10,
      maxLineBytes: 64 << 10)
    let before = backend.evaluate(line: #"{"id": "a"}"#, id: "a")
    let big = backend.evaluate(line: #"{"id": "big"}"#, id: "big")
    let after = backend.evaluate(line: #"{"id": "b"}"#, id: "b")
    guard case .error(let kind, let message) = big.outcome else {
      Issue.record("expected an error result, got \(big.outcome)")
      return
    }
    #expect(big.id == "big")
    #expect(kind.rawValue == "resource_limit")
    #expect(message.contains("longer than the limit of 65536 bytes"))
    // The next case gets its own answer from the same program: the rest
    // of the long line was dropped, not left to misalign the stream.
    guard case .error(_, let pidBefore) = before.outcome,
      case .error(let kindAfter, let pidAfter) = after.outcome
    else {
      Issue.record("expected the small answers: \(before) \(after)")
      return
    }
    #expect(after.id == "b" && kindAfter.rawValue == "shape_mismatch")
    #expect(pidAfter == pidBefore && Int(pidAfter) != nil)
  }

  @Test func theLineLimitIsThirtyTwoBytesAnElementPlusOneMebibyte() {
    #expect(WorkBudget(maxElements: 1000).maxLineBytes == 32_000 + (1 << 20))
    #expect(WorkBudget(maxElements: .max).maxLineBytes == .max)
    // The longest double with Python's separator fits in an element's
    // share.
    let widest = "-2.2250738585072014e-308, "
    #expect(Double("-2.2250738585072014e-308")?.description.count == 24)
    #expect(widest.utf8.count <= WorkBudget.lineBytesPerElement)
  }

  @Test func theBudgetSetsAnExecBackendsLineLimit() throws {
    let backend = ExecBackend(command: "cat")
    #expect(backend.maxLineBytes == WorkBudget().maxLineBytes)
    let budget = WorkBudget(maxElements: 1000)
    let applied = budget.applied(to: backend) as? ExecBackend
    #expect(applied?.maxLineBytes == budget.maxLineBytes)
  }

  /// A golden file of three real L1Loss cases, the second padded with
  /// `padding` spaces (still valid JSON).
  func goldenFile(padding: Int) throws -> (path: String, dir: TempDir) {
    let source = GoldenCorpus.locate() + "/L1Loss.jsonl"
    let text = try String(contentsOfFile: source, encoding: .utf8)
    let lines = text.split(separator: "\n").filter { $0.count < 1000 }
      .prefix(3).map(String.init)
    try #require(lines.count == 3)
    let padded =
      "{" + String(repeating: " ", count: padding)
      + lines[1].dropFirst()
    let dir = try TempDir()
    let path = try dir.write(
      "L1Loss.jsonl",
      [lines[0], padded, lines[2]].joined(separator: "\n")
        + "\n")
    return (path, dir)
  }

  @Test func anOverLongGoldenLineIsAProblemNamingFileAndLine() throws {
    let (path, dir) = try goldenFile(padding: 100_000)
    defer { _ = dir }
    let (cases, problems) = GoldenCorpus.loadFile(path, maxLineBytes: 4096)
    #expect(cases.count == 2)
    #expect(problems.count == 1)
    let problem = try #require(problems.first)
    #expect(problem.file == path && problem.line == 2)
    #expect(problem.message.contains("longer than the limit of 4096 bytes"))
    #expect(problem.description.hasPrefix("\(path):2: "))
    // The same bytes through `parse` (the fuzz target's entry).
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let parsed = GoldenCorpus.parse(bytes, path: path, maxLineBytes: 4096)
    #expect(parsed.0.count == 2 && parsed.1.map(\.line) == [2])
  }

  @Test func aGoldenLineWithinTheLimitStillLoads() throws {
    let (path, dir) = try goldenFile(padding: 1000)
    defer { _ = dir }
    let (cases, problems) = GoldenCorpus.loadFile(path, maxLineBytes: 4096)
    #expect(cases.count == 3 && problems.isEmpty, "\(problems)")
  }

  @Test func anOverLongGoldenLineFailsTheCorpus() throws {
    let src = GoldenCorpus.locate()
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("losscheck-golden-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: src, toPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/MSELoss.jsonl"
    var lines = try String(contentsOfFile: path, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    lines[4] =
      "{" + String(repeating: " ", count: 300_000)
      + lines[4].dropFirst()
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: false, encoding: .utf8)
    let corpus = try GoldenCorpus.load(
      directory: dir, losses: ["MSELoss"], maxLineBytes: 250_000)
    let atLine5 = corpus.problems.filter { $0.file == path && $0.line == 5 }
    #expect(atLine5.count == 1, "\(corpus.problems)")
    #expect(atLine5.first?.message.contains("longer than the limit") == true)
    #expect(corpus.problems.allSatisfy { $0.line == 5 || $0.line == nil })
  }
}
