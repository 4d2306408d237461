import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Peak memory of `losscheck eval` (the largest child's maximum resident
/// set, from getrusage): an accepted line costs a small multiple of its
/// length, and a line over the 256 MiB limit is dropped as it streams,
/// never held whole.
@Suite(.serialized) struct EvalMemoryTests {
  /// Feeds `pieces()` to `losscheck eval`, waits for `answers` result
  /// lines, and returns them with the child's peak resident set in bytes
  /// (VmHWM, read while it waits for more input: its own address space
  /// only, unlike the rusage of a spawned child, which counts the parent's
  /// peak too).
  static func eval(_ exe: String, answers: Int, _ pieces: (FileHandle) -> Void)
    throws -> ([Substring], Int)
  {
    let input = Pipe()
    let output = Pipe()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(
      &actions, input.fileHandleForReading.fileDescriptor, 0)
    posix_spawn_file_actions_adddup2(
      &actions, output.fileHandleForWriting.fileDescriptor, 1)
    // The child must not hold the pipes' other ends (it would never see
    // the end of its input).
    for fd in [
      input.fileHandleForReading, input.fileHandleForWriting,
      output.fileHandleForReading, output.fileHandleForWriting,
    ].map(\.fileDescriptor) where fd > 2 {
      posix_spawn_file_actions_addclose(&actions, fd)
    }
    let args = [exe, "eval", "--golden", GoldenCorpus.locate()]
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, exe, &actions, nil, &argv, environ)
    try #require(spawned == 0, "posix_spawn failed: \(spawned)")
    try input.fileHandleForReading.close()
    try output.fileHandleForWriting.close()
    // The answers are short: read them after the input is all written.
    pieces(input.fileHandleForWriting)
    var out = Data()
    while out.filter({ $0 == 0x0A }).count < answers {
      let more = output.fileHandleForReading.availableData
      if more.isEmpty { break }
      out.append(more)
    }
    let status =
      (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))
      ?? ""
    let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
    let kib = hwm.flatMap {
      Int($0.split(separator: " ").dropFirst().first ?? "")
    }
    try input.fileHandleForWriting.close()
    out.append(output.fileHandleForReading.readDataToEndOfFile())
    var exit: Int32 = 0
    _ = waitpid(pid, &exit, 0)
    #expect(exit == 0, "exit status \(exit)")
    let peak = try #require(kib, "no VmHWM in /proc/\(pid)/status") * 1024
    return (String(decoding: out, as: UTF8.self).split(separator: "\n"), peak)
  }

  /// An L1Loss line whose two tensors hold `n` one-digit numbers each
  /// (two bytes a number: the costliest text per element).
  static func shortNumbersLine(_ n: Int) -> Data {
    let data = String(repeating: "1,", count: n - 1) + "1"
    let t = #"{"dtype":"float64","shape":[\#(n)],"data":[\#(data)]}"#
    return Data(
      (#"{"id":"m","loss":"L1Loss","dtype":"float64","inputs":{"input":\#(t),"target":\#(t)}}"#
        + "\n").utf8)
  }

  @Test func eachLineCostsASmallMultipleOfItsLength() throws {
    let exe = try #require(
      EvalHostileInputTests.losscheckExecutable(), "losscheck binary not built")
    // 8 MB of numbers, answered (a parse of one JSON value per number
    // costs some 35 bytes a byte of line; doubles cost 4).
    let line = Self.shortNumbersLine(2_000_000)
    let (answers, peak) = try Self.eval(exe, answers: 1) { $0.write(line) }
    #expect(answers.count == 1 && answers[0].contains("\"output\""))
    let allowance = 40 << 20 + 10 * line.count
    #expect(
      peak < allowance,
      "peak \(peak >> 20) MiB for a \(line.count >> 20) MiB line")

    // 640 MiB in one line, then a valid line: the long one is refused,
    // never held whole. The reader keeps at most the 256 MiB limit, and
    // growing its buffer never holds an old copy and a new one of more
    // than the limit together.
    let valid = Data((WorkBudgetTests.valid + "\n").utf8)
    let size = 640 << 20
    let (refused, longPeak) = try Self.eval(exe, answers: 2) { h in
      h.write(Data(#"{"id":"long","data":["#.utf8))
      let piece = Data(String(repeating: "1,", count: 1 << 19).utf8)
      for _ in 0..<(size / piece.count) { h.write(piece) }
      h.write(Data("1]}\n".utf8))
      h.write(valid)
    }
    #expect(refused.count == 2)
    #expect(
      refused.first?.contains("longer than \(EvalLoop.maxLineBytes)") == true)
    #expect(refused.last?.contains("\"output\"") == true)
    #expect(
      longPeak < EvalLoop.maxLineBytes + (64 << 20),
      "peak \(longPeak >> 20) MiB for a \(size >> 20) MiB line")
  }
}
