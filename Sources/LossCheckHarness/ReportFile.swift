import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a report file cannot be written: the path and the system's reason,
/// one line.
public struct ReportFileError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String

  public var description: String { "cannot write \(path): \(reason)" }
}

/// A report destination, opened before the run so that a path that cannot
/// be written fails at once rather than after a long run.
///
/// - A path that is absent or a regular file (also through symlinks, which
///   are followed to their target) is written whole or not at all: into a
///   temporary file created now in the target's directory, renamed over the
///   target at the end. The symlink itself stays.
/// - Anything else that exists (a FIFO, a character device such as
///   /dev/null, /dev/stdout, /dev/fd/N, a process substitution) is opened
///   now and written in place; it is never replaced. A FIFO with no reader
///   is an error rather than a wait.
public final class ReportFile: @unchecked Sendable {
  public let path: String
  private var fd: Int32
  /// For the regular-file way: the temporary file and the final target.
  private var tempPath: String?
  private var target: String?
  private var done = false

  /// Opens or prepares `path`; an error names the path and the reason.
  public init(path: String) throws(ReportFileError) {
    self.path = path
    // stat follows symlinks in the kernel, /proc's fd links included.
    var st = stat()
    if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
      if (st.st_mode & S_IFMT) == S_IFDIR {
        throw ReportFileError(path: path, reason: "it is a directory")
      }
      // O_NONBLOCK only so that a FIFO with no reader fails (ENXIO)
      // instead of waiting; writes then block as usual.
      let f = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
      guard f >= 0 else { throw ReportFile.error(path, errno) }
      let flags = fcntl(f, F_GETFL)
      _ = fcntl(f, F_SETFL, flags & ~O_NONBLOCK)
      fd = f
      return
    }
    let target = ReportFile.resolve(path)
    if access(target, F_OK) == 0 && access(target, W_OK) != 0 {
      throw ReportFile.error(path, EACCES)
    }
    let dir = (target as NSString).deletingLastPathComponent
    let base = (target as NSString).lastPathComponent
    var template = Array(
      "\(dir.isEmpty ? "." : dir)/.\(base).XXXXXX".utf8CString)
    let f = template.withUnsafeMutableBufferPointer { p in
      mkstemp(p.baseAddress!)
    }
    guard f >= 0 else { throw ReportFile.error(path, errno) }
    fd = f
    tempPath = template.withUnsafeBufferPointer { p in
      String(cString: p.baseAddress!)
    }
    self.target = target
  }

  deinit {
    if fd >= 0 { close(fd) }
    if !done, let tempPath { unlink(tempPath) }
  }

  /// Writes `text` and finishes: renames the temporary file over the
  /// target, or closes the in-place destination. Call once.
  public func write(_ text: String) throws(ReportFileError) {
    guard !done, fd >= 0 else {
      throw ReportFileError(path: path, reason: "already written")
    }
    done = true
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { p in
        posixWrite(fd, p.baseAddress, p.count)
      }
      if n < 0 {
        if errno == EINTR { continue }
        let e = errno
        cleanUp()
        throw ReportFile.error(path, e)
      }
      offset += n
    }
    if let tempPath, let target {
      let mask = umask(0)
      umask(mask)
      fchmod(fd, 0o666 & ~mask)
      if fsync(fd) != 0 || close(fd) != 0 {
        let e = errno
        fd = -1
        unlink(tempPath)
        throw ReportFile.error(path, e)
      }
      fd = -1
      if rename(tempPath, target) != 0 {
        let e = errno
        unlink(tempPath)
        throw ReportFile.error(path, e)
      }
    } else {
      let r = close(fd)
      fd = -1
      if r != 0 { throw ReportFile.error(path, errno) }
    }
  }

  private func cleanUp() {
    if fd >= 0 { close(fd) }
    fd = -1
    if let tempPath { unlink(tempPath) }
  }

  /// Follows symlinks (at most 40) to the path they name; a dangling one
  /// resolves to its (absent) target.
  static func resolve(_ path: String) -> String {
    var p = path
    for _ in 0..<40 {
      guard
        let dest = try? FileManager.default.destinationOfSymbolicLink(
          atPath: p)
      else { return p }
      p =
        dest.hasPrefix("/")
        ? dest
        : ((p as NSString).deletingLastPathComponent as NSString)
          .appendingPathComponent(dest)
    }
    return p
  }

  static func error(_ path: String, _ code: Int32) -> ReportFileError {
    let reason =
      code == ENXIO
      ? "a FIFO with no reader" : String(cString: strerror(code))
    return ReportFileError(path: path, reason: reason)
  }
}
