import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `losscheck` itself, run as a program: signals, backends that cannot
/// start, and Python modules that crash, exit, loop or print.
///
/// These tests need the `losscheck` executable next to the test bundle
/// (`swift build --product losscheck`, which `swift test` also does); a
/// missing executable fails them.
@Suite struct SupervisedCLITests {
  /// The built `losscheck` beside this test bundle.
  static func executable() throws -> String {
    let me = EmbeddedExecutable.path
    let dir = (me as NSString).deletingLastPathComponent
    let path = dir + "/losscheck"
    try #require(
      FileManager.default.isExecutableFile(atPath: path),
      "no losscheck executable at \(path): run swift build --product losscheck")
    return path
  }

  static var golden: String { GoldenCorpus.locate() }

  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs losscheck with `arguments` in `directory`, with `environment`
  /// changes; `signal` is sent after `after` seconds when given.
  func losscheck(
    _ arguments: [String], in directory: String? = nil,
    environment: [String: String] = [:],
    signal: (Int32, after: Double)? = nil
  ) throws -> Outcome {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try Self.executable())
    p.arguments = arguments
    if let directory {
      p.currentDirectoryURL = URL(fileURLWithPath: directory)
    }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let dir = try scratch()
    FileManager.default.createFile(atPath: dir + "/out", contents: nil)
    FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
    p.standardOutput = out
    p.standardError = err
    try p.run()
    if let (sig, after) = signal {
      Thread.sleep(forTimeInterval: after)
      kill(p.processIdentifier, sig)
    }
    p.waitUntilExit()
    try out.close()
    try err.close()
    return Outcome(
      status: p.terminationStatus,
      stdout: try String(contentsOfFile: dir + "/out", encoding: .utf8),
      stderr: try String(contentsOfFile: dir + "/err", encoding: .utf8))
  }

  func scratch() throws -> String {
    let dir = NSTemporaryDirectory() + "losscheck-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  /// The per-case entries of a --json report, by id.
  func cases(inReport file: String) throws -> [String: JSONValue] {
    let json = try JSONParser.parse(
      Array(try Data(contentsOf: URL(fileURLWithPath: file))))
    guard case .array(let list)? = json["cases"] else { return [:] }
    var byID: [String: JSONValue] = [:]
    for c in list {
      if case .string(let id)? = c["id"] { byID[id] = c }
    }
    return byID
  }

  @Test func theExecutableIsThere() throws {
    _ = try Self.executable()
  }

  /// Finding 12 (exec part): one message, exit 2 (was 3152 raw
  /// NSCocoaErrorDomain dumps and exit 1).
  @Test func aBackendThatCannotStartIsOneErrorAndExitTwo() throws {
    let r = try losscheck([
      "run", "--golden", Self.golden, "--backend",
      "exec:nonexistent-losscheck-backend",
    ])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "cannot start backend 'nonexistent-losscheck-backend': no such file"),
      "\(r.stderr)")
    #expect(!r.stdout.contains("NSCocoaErrorDomain"))
    #expect(!r.stderr.contains("NSCocoaErrorDomain"))
    #expect(r.stdout.isEmpty)
  }

  /// Built without the Python trait, the Python backends are one clear
  /// refusal, exit 2, that says how to rebuild.
  @Test(
    .disabled(if: builtWithPython, "this build has the Python trait"),
    arguments: ["numpy", "python:json"])
  func withoutThePythonTraitAPythonBackendIsRefused(_ backend: String) throws {
    let r = try losscheck([
      "run", "--golden", Self.golden, "--loss", "MSELoss", "--backend",
      backend,
    ])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "this losscheck was built without the Python trait: --backend "
          + "\(backend)"),
      "\(r.stderr)")
    #expect(r.stderr.contains("swift build --traits Python"))
    #expect(r.stdout.isEmpty)
  }

  /// Finding 5: SIGTERM during a run kills the backend's group, writes
  /// the report (cases marked interrupted) and exits 143.
  @Test func sigtermStopsTheBackendWritesTheReportAndExits143() throws {
    let dir = try scratch()
    let r = try losscheck(
      [
        "run", "--golden", Self.golden, "--loss", "L1Loss", "--json",
        dir + "/report.json", "--backend",
        "exec:sh -c 'echo $$ > \(dir)/pgid; sleep 1000'",
      ], signal: (SIGTERM, after: 1.5))
    #expect(r.status == 143, "\(r.stderr)")
    let cases = try cases(inReport: dir + "/report.json")
    #expect(!cases.isEmpty)
    #expect(
      cases.values.allSatisfy {
        JSONWriter.write($0).contains("interrupted")
      })
    let text = try String(contentsOfFile: dir + "/pgid", encoding: .utf8)
    let pgid = try #require(
      Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(ProcessGroups.isGone(pgid), "group \(pgid) is alive")
  }

  /// Finding 5: Ctrl-C during a run of the in-process reference: the run
  /// stops between cases, the report of the cases judged so far is
  /// written and marked interrupted, exit 130.
  @Test func sigintDuringAReferenceRunExits130WithAReport() throws {
    let dir = try scratch()
    let r = try losscheck(
      ["run", "--golden", Self.golden, "--json", dir + "/report.json"],
      signal: (SIGINT, after: 0.5))
    #expect(r.status == 130, "\(r.stderr)")
    let report = try JSONParser.parse(
      Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))))
    #expect(report["interrupted"] == .bool(true))
    let cases = try cases(inReport: dir + "/report.json")
    #expect(cases.count < (Fixtures.corpus?.cases.count ?? 0))
  }

  /// A module that misbehaves on one case, passes the rest through the
  /// NumPy reference.
  func module(_ body: String, on id: String) -> String {
    let indented = body.split(separator: "\n").map { "        " + $0 }
    return """
      import numpy_backend

      def evaluate(case):
          if case["id"] == \(JSONWriter.write(.string(id))):
      \(indented.joined(separator: "\n"))
          return numpy_backend.evaluate(case)
      """
  }

  /// Each misbehaviour, the error kind it must give and what the message
  /// must say (for the segfault, the module's frame from Python's fault
  /// handler).
  static let misbehaviours:
    [(name: String, body: String, kind: String, says: String)] = [
      ("exits", "import os\nos._exit(3)", "backend_crashed", "status 3"),
      (
        "segfaults", "import ctypes\nctypes.string_at(0)", "backend_crashed",
        "bad_segfaults.py\\\", line"
      ),
      ("loops", "while True:\n    pass", "backend_timeout", "within 3.0 s"),
    ]

  /// Finding 6: os._exit, a segfault or an endless loop in a python:
  /// module costs only its own case; the worker is restarted and the run
  /// goes on (before: the run died or hung).
  @Test(
    .enabled(if: builtWithPython, "needs the Python trait"),
    arguments: 0..<3)
  func aMisbehavingModuleCostsOnlyItsCase(_ which: Int) throws {
    let (name, body, kind, says) = Self.misbehaviours[which]
    let all = Fixtures.cases(of: "L1Loss").filter { $0.dtype == .float64 }
    try #require(all.count > 4)
    let victim = all[2].id
    let dir = try scratch()
    try module(body, on: victim).write(
      toFile: dir + "/bad_\(name).py", atomically: true, encoding: .utf8)
    let r = try losscheck(
      [
        "run", "--golden", Self.golden, "--loss", "L1Loss", "--dtype",
        "float64", "--timeout", "3", "--startup-timeout", "10",
        "--json", dir + "/report.json", "--backend", "python:bad_\(name)",
      ], in: dir)
    #expect(r.status == 1, "\(r.stderr)")
    let cases = try cases(inReport: dir + "/report.json")
    #expect(cases.count == all.count)
    for (id, c) in cases {
      let passed = c["status"] == .string("passed")
      if id == victim {
        #expect(!passed)
        let text = JSONWriter.write(c)
        #expect(text.contains(kind), "\(text)")
        #expect(text.contains(says), "\(text)")
      } else {
        #expect(passed, "\(id): \(JSONWriter.write(c))")
      }
    }
  }

  /// Finding 6: the module's print() never reaches the report.
  @Test(.enabled(if: builtWithPython, "needs the Python trait"))
  func aModulesPrintNeverReachesTheReport() throws {
    let dir = try scratch()
    try """
    import numpy_backend

    def evaluate(case):
        print("NOISE-FROM-THE-MODULE", case["id"])
        return numpy_backend.evaluate(case)
    """.write(toFile: dir + "/noisy.py", atomically: true, encoding: .utf8)
    let r = try losscheck(
      [
        "run", "--golden", Self.golden, "--loss", "L1Loss", "--backend",
        "python:noisy",
      ], in: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(!r.stdout.contains("NOISE-FROM-THE-MODULE"))
    #expect(r.stdout.contains(" 0 failed"))
  }

  /// The worker itself: the module's dict goes out as JSON as it is (a
  /// key the harness does not know passes through), one line per case,
  /// and the module's print() goes to standard error, not the protocol.
  @Test(.enabled(if: builtWithPython, "needs the Python trait"))
  func theWorkerPassesTheDictThroughAndKeepsPrintOffTheProtocol() throws {
    let dir = try scratch()
    try """
    def evaluate(case):
        print("chatter")
        return {"id": case["id"], "unsupported": {"reason": "demo"}}
    """.write(
      toFile: dir + "/passthrough.py", atomically: true, encoding: .utf8)
    try #"{"id": "a"}"#.appending("\n").appending(#"{"id": "b"}"#)
      .appending("\n").write(
        toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try Self.executable())
    p.arguments = ["python-worker", "--module", "passthrough", "--path", dir]
    p.standardInput = try FileHandle(
      forReadingFrom: URL(fileURLWithPath: dir + "/in.jsonl"))
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let lines = String(decoding: stdout, as: UTF8.self)
      .split(separator: "\n").map(String.init)
    #expect(lines.count == 2, "\(lines)")
    for (line, id) in zip(lines, ["a", "b"]) {
      let json = try JSONParser.parse(line)
      #expect(json["id"] == .string(id))
      #expect(json["unsupported"]?["reason"] == .string("demo"))
    }
    #expect(String(decoding: stderr, as: UTF8.self).contains("chatter"))
  }

  /// Finding 14: another Python installation first on PATH (its own
  /// bin/python3 and stdlib, no numpy) must not change which interpreter
  /// is embedded: --backend numpy still finds Debian's numpy.
  @Test(.enabled(if: builtWithPython, "needs the Python trait"))
  func numpyWorksWhateverPython3IsFirstOnPath() throws {
    let root = try scratch()
    let fm = FileManager.default
    try fm.createDirectory(
      atPath: root + "/bin", withIntermediateDirectories: true)
    try fm.createDirectory(
      atPath: root + "/lib", withIntermediateDirectories: true)
    try "#!/bin/sh\necho fake python >&2\nexit 1\n".write(
      toFile: root + "/bin/python3", atomically: true, encoding: .utf8)
    chmod(root + "/bin/python3", 0o755)
    // The fake installation's stdlib: the real one, but no dist-packages.
    let version = try #require(
      (try? fm.contentsOfDirectory(atPath: "/usr/lib"))?.first {
        $0.hasPrefix("python3.")
      })
    try fm.createSymbolicLink(
      atPath: root + "/lib/" + version,
      withDestinationPath: "/usr/lib/" + version)
    let inherited = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let path = root + "/bin:" + inherited
    let r = try losscheck(
      [
        "run", "--golden", Self.golden, "--loss", "L1Loss", "--backend",
        "numpy",
      ],
      environment: ["PATH": path])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains(" 0 failed"), "\(r.stdout)\(r.stderr)")
  }
}

/// The running test executable's path.
enum EmbeddedExecutable {
  static var path: String {
    (try? FileManager.default.destinationOfSymbolicLink(
      atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }
}
