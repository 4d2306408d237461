import Foundation
import LossCheckHarness
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Report files: regular files replaced whole, symlinks written through,
/// FIFOs and devices written in place, bad paths refused up front.
@Suite struct ReportFileTests {
  func read(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map {
      String(decoding: $0, as: UTF8.self)
    }
  }

  @Test func aNewOrRegularFileIsWrittenWholeWithNoTemporaryLeft() throws {
    let dir = try TempDir()
    let path = dir.path + "/r.json"
    try ReportFile(path: path).write("one")
    #expect(read(path) == "one")
    try ReportFile(path: path).write("two")
    #expect(read(path) == "two")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(left == ["r.json"])
  }

  @Test func aSymlinkIsWrittenThroughAndStaysASymlink() throws {
    let dir = try TempDir()
    let target = try dir.write("target.json", "old")
    let link = dir.path + "/link.json"
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: "target.json")
    try ReportFile(path: link).write("new")
    #expect(read(target) == "new")
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: link)
        == "target.json")
  }

  @Test func aFIFOIsWrittenInPlace() throws {
    let dir = try TempDir()
    let fifo = dir.path + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    let got = ReaderBox()
    let reader = Thread {
      let fd = open(fifo, O_RDONLY)
      guard fd >= 0 else { return }
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        let n = chunk.withUnsafeMutableBytes {
          Glibc.read(fd, $0.baseAddress, $0.count)
        }
        if n <= 0 { break }
        bytes += chunk[0..<n]
      }
      close(fd)
      got.text = String(decoding: bytes, as: UTF8.self)
    }
    reader.start()
    // Wait for the reader to open its end (opening for write needs one).
    var file: ReportFile? = nil
    for _ in 0..<200 where file == nil {
      file = try? ReportFile(path: fifo)
      if file == nil { usleep(10_000) }
    }
    try #require(file != nil)
    try file?.write("through the pipe")
    for _ in 0..<200 where got.text == nil { usleep(10_000) }
    #expect(got.text == "through the pipe")
    var st = stat()
    #expect(stat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
  }

  @Test func aFIFOWithNoReaderIsAnErrorNotAWait() throws {
    let dir = try TempDir()
    let fifo = dir.path + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(throws: ReportFileError.self) { try ReportFile(path: fifo) }
  }

  @Test func devNullIsWrittenAndNotReplaced() throws {
    try ReportFile(path: "/dev/null").write("discarded")
    var st = stat()
    #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
  }

  @Test func anUnwritablePathIsOneLineNamingIt() throws {
    do {
      _ = try ReportFile(path: "/nonexistent-dir/r.json")
      Issue.record("an unwritable path was accepted")
    } catch {
      #expect(
        error.description
          == "cannot write /nonexistent-dir/r.json: No such file or directory")
    }
    let dir = try TempDir()
    #expect(throws: ReportFileError.self) { try ReportFile(path: dir.path) }
  }
}

final class ReaderBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value: String?
  var text: String? {
    get { lock.withLock { value } }
    set { lock.withLock { value = newValue } }
  }
}
