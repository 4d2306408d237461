import Foundation
import LossCheckHarness
import Testing

/// `losscheck run` and `losscheck merge` as a user runs them: exit
/// statuses, messages and report files.
@Suite(.serialized) struct RunCommandTests {
  struct Ran {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static var root: String {
    (GoldenCorpus.locate() as NSString).deletingLastPathComponent
  }

  static func losscheck(_ args: [String]) throws -> Ran {
    let exe = try #require(
      EvalHostileInputTests.losscheckExecutable(), "losscheck binary not built")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: root)
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Drain stderr on another thread so neither pipe can fill and block.
    let errBox = ReaderBox()
    let t = Thread {
      errBox.text = String(
        decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
    t.start()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    for _ in 0..<500 where errBox.text == nil { usleep(10_000) }
    return Ran(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: errBox.text ?? "")
  }

  @Test func anExecBackendWithUnsupportedCasesPassesUnlessStrict() throws {
    let dir = try TempDir()
    let script = try dir.write("partial.py", PartialScript.text)
    let json = dir.path + "/r.json"
    let junit = dir.path + "/r.xml"
    let args = [
      "run", "--backend", "exec:python3 \(script)", "--loss", "L1Loss",
      "--loss", "MSELoss", "--dtype", "float64", "--json", json, "--junit",
      junit,
    ]
    let ran = try Self.losscheck(args)
    #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
    let row = ran.stdout.split(separator: "\n").first {
      $0.hasPrefix("MSELoss")
    }
    #expect(
      row?.split(separator: " ") == ["MSELoss", "31", "0", "0", "31", "—"])
    let report = try JSONParser.parse(
      [UInt8](try #require(FileManager.default.contents(atPath: json))))
    #expect(report["totals"]?["skipped"] == .number("31"))
    #expect(report["totals"]?["failed"] == .number("0"))
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(
      xml.components(
        separatedBy: "<skipped message=\"MSELoss is not implemented\"/>"
      ).count == 32)
    let strict = try Self.losscheck(args + ["--strict"])
    #expect(strict.status == 1)
  }

  @Test func anEmptySelectionExitsTwoSayingSo() throws {
    let ran = try Self.losscheck([
      "run", "--loss", "L1Loss", "--filter", "NoSuchCase",
    ])
    #expect(ran.status == 2)
    #expect(
      ran.stderr.contains("no case matches --loss L1Loss --filter NoSuchCase"))
    #expect(!ran.stdout.contains("passed"))
  }

  @Test func anUnwritableReportPathFailsBeforeTheRun() throws {
    let start = Date()
    let ran = try Self.losscheck([
      "run", "--backend", "exec:sleep 1000", "--loss", "L1Loss",
      "--json", "/nonexistent-dir/r.json",
    ])
    #expect(ran.status == 2)
    #expect(
      ran.stderr
        == "losscheck: cannot write /nonexistent-dir/r.json:"
        + " No such file or directory\n"
    )
    #expect(Date().timeIntervalSince(start) < 20)
  }

  @Test func tagsSelectThroughTheCommandLine() throws {
    // A golden directory of our own: the spec, and L1Loss cases tagged by
    // position.
    let dir = try TempDir()
    let golden = dir.path + "/golden"
    try FileManager.default.copyItem(
      atPath: Self.root + "/golden/spec", toPath: golden + "/spec")
    try FileManager.default.copyItem(
      atPath: Self.root + "/golden/spec.json", toPath: golden + "/spec.json")
    let lines = try String(
      contentsOfFile: Self.root + "/golden/L1Loss.jsonl", encoding: .utf8
    )
    .split(separator: "\n").prefix(6)
    var out = ""
    for (k, line) in lines.enumerated() {
      guard case .object(var o) = try JSONParser.parse(String(line)) else {
        continue
      }
      o["tags"] = .array(
        k < 2 ? [.string("broadcast")] : k < 3 ? [.string("empty")] : [])
      out += JSONWriter.write(.object(o)) + "\n"
    }
    try out.write(
      toFile: golden + "/L1Loss.jsonl", atomically: false, encoding: .utf8)
    func count(_ args: [String]) throws -> String {
      let ran = try Self.losscheck(
        ["run", "--golden", golden, "--loss", "L1Loss", "--quiet"] + args)
      return ran.stdout.split(separator: "\n").last.map(String.init)
        ?? ran.stderr
    }
    #expect(try count(["--tag", "broadcast"]).hasPrefix("2 passed, 0 failed"))
    #expect(
      try count(["--tag", "broadcast", "--tag", "empty"]).hasPrefix("3 passed"))
    #expect(try count(["--exclude-tag", "broadcast"]).hasPrefix("4 passed"))
    // A select file: ids of cases 0 and 1 (broadcast), minus case 1.
    let ids = try lines.map { line -> String in
      Case.id(of: try JSONParser.parse(String(line)))
    }
    let select = try dir.write(
      "keep.select", "# mine\n\n\(ids[0])\n\(ids[1])\n!\(ids[1])\n")
    #expect(try count(["--select", select]).hasPrefix("1 passed, 0 failed"))
    let none = try Self.losscheck(
      ["run", "--golden", golden, "--loss", "L1Loss", "--tag", "nothing"])
    #expect(none.status == 2)
  }

  @Test func shardsMergeIntoTheFullRunAndJobsChangeNothing() throws {
    let dir = try TempDir()
    let base = [
      "run", "--backend", "exec:python3 scripts/backends/numpy_backend.py",
      "--loss", "HuberLoss", "--dtype", "float32", "--quiet",
    ]
    let full = try Self.losscheck(base + ["--json", dir.path + "/full.json"])
    #expect(full.status == 0, "\(full.stdout)\(full.stderr)")
    let two = try Self.losscheck(
      base + ["--jobs", "2", "--json", dir.path + "/two.json"])
    #expect(two.status == 0)
    var parts: [String] = []
    for k in 1...3 {
      let p = dir.path + "/s\(k).json"
      let ran = try Self.losscheck(base + ["--shard", "\(k)/3", "--json", p])
      #expect(ran.status == 0)
      parts.append(p)
    }
    let merged = try Self.losscheck(
      ["merge"] + parts + [
        "--json", dir.path + "/merged.json", "--junit", dir.path + "/m.xml",
      ])
    #expect(merged.status == 0, "\(merged.stderr)")
    func load(_ name: String) throws -> RunReport {
      let data = try #require(
        FileManager.default.contents(atPath: dir.path + "/" + name))
      var r = try ReportJSON.decode([UInt8](data), source: name)
      r.loadSeconds = 0
      r.checkSeconds = 0
      r.selection["jobs"] = .null
      r.selection["shard"] = .null
      for k in r.verdicts.indices { r.verdicts[k].seconds = 0 }
      return r
    }
    let reference = ReportJSON.encode(try load("full.json"))
    #expect(ReportJSON.encode(try load("two.json")) == reference)
    #expect(ReportJSON.encode(try load("merged.json")) == reference)
    let wrong = try Self.losscheck([
      "merge", dir.path + "/s1.json", dir.path + "/s1.json",
    ])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("is in both"))
  }
}
