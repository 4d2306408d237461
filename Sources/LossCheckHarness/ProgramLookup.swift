#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a backend program could not be started: it names the program and
/// says what is wrong with it.
public struct BackendStartError: Error, CustomStringConvertible {
  /// The program as the user wrote it.
  public var program: String
  /// What is wrong, e.g. "no such file on PATH".
  public var reason: String

  /// An error for `program` with `reason`.
  public init(program: String, reason: String) {
    self.program = program
    self.reason = reason
  }

  public var description: String {
    "cannot start backend '\(program)': \(reason)"
  }
}

/// Finds the file a command word names, the way a shell would, before
/// anything is spawned, so a missing program is one clear error.
public enum ProgramLookup {
  /// The path of the executable `program` names: itself when it holds a
  /// `/`, else the first executable regular file called `program` in the
  /// directories of `searchPath` (PATH; an empty entry is the current
  /// directory). Throws naming the program and the reason: no such file,
  /// a directory, not executable, or an empty command.
  public static func resolve(_ program: String, searchPath: String? = nil)
    throws(BackendStartError) -> String
  {
    guard !program.isEmpty else {
      throw BackendStartError(program: program, reason: "empty command")
    }
    if program.contains("/") {
      if let why = problem(with: program) {
        throw BackendStartError(program: program, reason: why)
      }
      return program
    }
    let path = searchPath ?? environment("PATH") ?? "/usr/bin:/bin"
    var firstProblem: String?
    for dir in path.split(separator: ":", omittingEmptySubsequences: false) {
      let base = dir.isEmpty ? "." : String(dir)
      let candidate = base + "/" + program
      guard let why = problem(with: candidate) else { return candidate }
      if firstProblem == nil && why != "no such file" {
        firstProblem = "\(candidate): \(why)"
      }
    }
    throw BackendStartError(
      program: program,
      reason: firstProblem ?? "no such file in any directory of PATH")
  }

  /// Why `path` cannot be executed, or nil when it can.
  static func problem(with path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else {
      return errno == ENOENT || errno == ENOTDIR
        ? "no such file" : String(cString: strerror(errno))
    }
    if (st.st_mode & S_IFMT) == S_IFDIR { return "is a directory" }
    if access(path, X_OK) != 0 { return "not executable" }
    return nil
  }

  static func environment(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
  }
}
