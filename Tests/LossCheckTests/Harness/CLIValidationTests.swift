import Foundation
import LossCheckHarness
import Testing

/// The `losscheck` binary refuses nonsense on its command line up front,
/// with a message naming the option and the value, and a broken golden
/// directory fails a run with a message naming the problem.
@Suite struct CLIValidationTests {
  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs the `losscheck` built beside this test bundle.
  static func losscheck(_ arguments: [String]) throws -> Outcome {
    let exe = try #require(executable(), "losscheck binary not built")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Both pipes read concurrently so that neither can fill up and block.
    let errData = Box()
    let reader = Thread {
      errData.data = err.fileHandleForReading.readDataToEndOfFile()
    }
    reader.start()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !errData.done { usleep(1000) }
    return Outcome(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: errData.data ?? Data(), as: UTF8.self))
  }

  final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Data?
    var data: Data? {
      get { lock.withLock { value } }
      set { lock.withLock { value = newValue } }
    }
    var done: Bool { data != nil }
  }

  static func executable() -> String? {
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

  /// The ArgumentParser exit status of a validation error (EX_USAGE).
  static let usage: Int32 = 64

  @Test(arguments: [
    (["run", "--timeout", "nan"], "--timeout", "nan"),
    (["run", "--timeout", "0"], "--timeout", "0"),
    (["run", "--timeout", "-1"], "--timeout", "-1"),
    (["run", "--timeout", "inf"], "--timeout", "inf"),
    (["fuzz", "--timeout", "nan"], "--timeout", "nan"),
    (["fuzz", "--cases", "-5"], "--cases", "-5"),
    (["fuzz", "--cases", "0"], "--cases", "0"),
    (["bench", "--threads", "0"], "--threads", "0"),
    (["bench", "--threads", "-2"], "--threads", "-2"),
    (["bench", "--reps", "0"], "--reps", "0"),
    (["bench", "--warmup", "-1"], "--warmup", "-1"),
    (["bench", "--dtype", "int64"], "--dtype", "int64"),
    (["run", "--dtype", "float128"], "--dtype", "float128"),
  ])
  func aBadNumberIsRefusedNamingOptionAndValue(
    _ c: ([String], String, String)
  ) throws {
    let r = try Self.losscheck(c.0 + ["--loss", "L1Loss"])
    #expect(r.status == Self.usage, "\(c.0): \(r.status) \(r.stderr)")
    #expect(r.stderr.contains(c.1), "\(r.stderr)")
    #expect(r.stderr.contains("'\(c.2)'"), "\(r.stderr)")
    #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
  }

  @Test func benchDTypeHelpListsTheChoices() throws {
    let r = try Self.losscheck(["bench", "--help"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("float32") && r.stdout.contains("float64"))
    #expect(r.stdout.contains("values: "), "\(r.stdout)")
  }

  @Test func versionPrintsTheVersion() throws {
    let r = try Self.losscheck(["--version"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == LossCheckVersion.string + "\n")
  }

  @Test func anUnknownCommandIsAnError() throws {
    let r = try Self.losscheck(["frob"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("'frob'"), "\(r.stderr)")
    #expect(!r.stdout.contains("passed"))
  }

  @Test func aMissingGoldenFolderIsOneLineAndExit2() throws {
    try GoldenIntegrityTests.withCopy { dir in
      try FileManager.default.removeItem(atPath: "\(dir)/spec")
      for (args, names) in [
        (["run", "--golden", "\(dir)/nowhere"], "\(dir)/nowhere"),
        (["run", "--golden", dir], "\(dir)/spec"),
        (["list", "--golden", dir], "\(dir)/spec"),
        (["eval", "--golden", dir], "\(dir)/spec"),
      ] {
        let r = try Self.losscheck(args)
        #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(names), "\(r.stderr)")
        #expect(!r.stderr.contains("NSCocoaErrorDomain"))
      }
    }
  }

  @Test func aMalformedSpecIsOneErrorAndExit2() throws {
    try GoldenIntegrityTests.withCopy { dir in
      let path = "\(dir)/spec/L1Loss.json"
      let text = try String(contentsOfFile: path, encoding: .utf8)
      try text.replacingOccurrences(
        of: #""inputs": ["#, with: #""inputs": 3, "x": ["#
      ).write(toFile: path, atomically: true, encoding: .utf8)
      let r = try Self.losscheck(["run", "--golden", dir])
      #expect(r.status == 2, "\(r.status) \(r.stdout)")
      #expect(r.stderr.contains(path), "\(r.stderr)")
      #expect(!r.stdout.contains("FAIL"))
    }
  }

  @Test func emptiedGoldenFilesFailTheRun() throws {
    try GoldenIntegrityTests.withCopy { dir in
      for f in try GoldenIntegrityTests.goldenFiles(dir) {
        try Data().write(to: URL(fileURLWithPath: "\(dir)/\(f)"))
      }
      let r = try Self.losscheck(["run", "--golden", dir])
      #expect(r.status == 1, "\(r.stdout)")
      #expect(r.stdout.contains("L1Loss.jsonl"), "\(r.stdout)")
      #expect(r.stdout.contains("no golden cases"), "\(r.stdout)")
    }
  }

  @Test func aStrayGoldenFileFailsTheRun() throws {
    try GoldenIntegrityTests.withCopy { dir in
      // Only L1Loss and a CTCLoss.jsonl without its spec, to keep it quick.
      let fm = FileManager.default
      for f in try GoldenIntegrityTests.goldenFiles(dir)
      where f != "L1Loss.jsonl" && f != "CTCLoss.jsonl" {
        try fm.removeItem(atPath: "\(dir)/\(f)")
      }
      for f in try fm.contentsOfDirectory(atPath: "\(dir)/spec")
      where f != "L1Loss.json" {
        try fm.removeItem(atPath: "\(dir)/spec/\(f)")
      }
      let r = try Self.losscheck(["run", "--golden", dir])
      #expect(r.status == 1, "\(r.stdout)")
      #expect(r.stdout.contains("CTCLoss.jsonl"), "\(r.stdout)")
    }
  }

  @Test func aFilterThatSelectsNothingFailsTheRun() throws {
    let r = try Self.losscheck(
      ["run", "--filter", "no-such-case-*", "--loss", "L1Loss"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("no-such-case-*"), "\(r.stderr)")
  }
}
