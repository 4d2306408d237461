import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An external program as a backend: started once, it speaks the eval
/// protocol of CASE_SCHEMA.md on its standard input and output (one case
/// line in, one result line out, flushed).
///
/// Nothing the program does can hang or crash `losscheck`:
/// - it runs in a session and process group of its own
///   (``SupervisedProcess``); stopping it kills the whole group, so a
///   wrapper (`sh -c`, `timeout`, a script) cannot leave a hanging child;
/// - each case has a deadline (`timeout`; the first case after a start or
///   restart gets `startupTimeout` more); a program that does not answer in
///   time is stopped, the case is reported as `backend_timeout`, and the
///   program is started again for the next case;
/// - a program that exits mid-stream is reported on that case as
///   `backend_crashed` (with its exit status and the end of its standard
///   error) and started again, at most `maxRestarts` times;
/// - lines that are not the case's result: one whose id is an earlier
///   case's is skipped (a late or repeated answer); a line that is not
///   JSON, has no id or an id never sent makes the case
///   `backend_bad_answer`, and the program is restarted so later cases
///   stay aligned;
/// - an answer line longer than `maxLineBytes` is read past and dropped
///   as it streams (never held whole) and makes the case
///   `resource_limit`; the next line is read as usual, so later cases stay
///   aligned;
/// - after SIGINT/SIGTERM (``Interruption``) the program's group is killed
///   and every case gets an `interrupted` error result at once.
///
/// These kinds are LossCheck's own, never PyTorch's: a golden case cannot
/// expect them, so such a case always fails.
public final class ExecBackend: LossBackend, @unchecked Sendable {
  public let name: String
  /// The program and its arguments (the program as given, not resolved).
  public let command: [String]
  /// Seconds each case may take.
  public let timeout: Double
  /// Seconds added to the first case's deadline after a (re)start.
  public let startupTimeout: Double
  /// How many times a stopped or crashed program is started again.
  public let maxRestarts: Int
  /// Variables set in the program's environment.
  public let environment: [String: String]
  /// The longest answer line read; a longer one is the case's
  /// `resource_limit` (see ``WorkBudget/maxLineBytes``). A change applies
  /// from the next (re)start of the program.
  public var maxLineBytes: Int {
    get { lock.withLock { lineLimit } }
    set { lock.withLock { lineLimit = max(0, newValue) } }
  }

  private let lock = NSLock()
  private var process: SupervisedProcess?
  private var reader = LineReader(fd: -1)
  private var starting = false
  private var sentIDs: Set<String> = []
  private var restarts = 0
  private var resolved: String?
  private var lineLimit: Int

  /// A backend running `command`, split on spaces with single or double
  /// quotes grouping (see ``split(_:)``). Nothing is started until the
  /// first case; call ``checkProgram()`` to find a missing program early.
  /// Answer lines over `maxLineBytes` are refused (by default the limit of
  /// the default work budget).
  public convenience init(
    command: String, timeout: Double = 10, startupTimeout: Double = 10,
    maxRestarts: Int = 20, maxLineBytes: Int = WorkBudget().maxLineBytes
  ) {
    self.init(
      arguments: ExecBackend.split(command), name: "exec:\(command)",
      timeout: timeout, startupTimeout: startupTimeout,
      maxRestarts: maxRestarts, maxLineBytes: maxLineBytes)
  }

  /// A backend running `arguments` (program first, looked up on PATH when
  /// it has no `/`), reported as `name`, with `environment`'s variables
  /// set on top of this process's environment. Answer lines over
  /// `maxLineBytes` are refused (by default the limit of the default work
  /// budget).
  public init(
    arguments: [String], name: String, timeout: Double = 10,
    startupTimeout: Double = 10, maxRestarts: Int = 20,
    environment: [String: String] = [:],
    maxLineBytes: Int = WorkBudget().maxLineBytes
  ) {
    self.command = arguments
    self.environment = environment
    self.lineLimit = max(0, maxLineBytes)
    self.name = name
    self.timeout = timeout
    self.startupTimeout = startupTimeout
    self.maxRestarts = maxRestarts
    // A backend that dies while we write to it must not kill us by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
  }

  deinit { process?.stop() }

  /// Shell-like splitting: spaces separate words, quotes group them.
  public static func split(_ s: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character? = nil
    var inWord = false
    for ch in s {
      if let q = quote {
        if ch == q { quote = nil } else { current.append(ch) }
      } else if ch == "\"" || ch == "'" {
        quote = ch
        inWord = true
      } else if ch == " " || ch == "\t" {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(ch)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }

  /// Finds the program (on PATH when it has no `/`) and checks it can be
  /// executed, throwing one error that names it and says what is wrong.
  public func checkProgram() throws(BackendStartError) {
    lock.lock()
    defer { lock.unlock() }
    _ = try program()
  }

  private func program() throws(BackendStartError) -> String {
    if let resolved { return resolved }
    guard let first = command.first else {
      throw BackendStartError(program: "", reason: "empty command")
    }
    let path = try ProgramLookup.resolve(first)
    resolved = path
    return path
  }

  public func evaluate(_ c: Case) -> CaseResult {
    evaluate(line: CaseJSON.encode(c), id: c.id)
  }

  /// Sends one line and waits for the result line whose id is `id`.
  public func evaluate(line: String, id: String) -> CaseResult {
    lock.lock()
    defer { lock.unlock() }
    if let sig = Interruption.requested { return interrupted(id, sig) }
    if process == nil {
      guard restarts <= maxRestarts else {
        return failure(
          id, .backendCrashed, "gave up after \(maxRestarts) restarts")
      }
      do {
        try start()
      } catch {
        restarts += 1
        return failure(id, .backendCrashed, error.description)
      }
    }
    guard let process else {
      return failure(id, .backendCrashed, "no backend process")
    }
    let allowance = starting ? startupTimeout : 0
    let deadline = LineReader.monotonicSeconds() + timeout + allowance
    let stop = { Interruption.requested != nil }
    sentIDs.insert(id)
    switch process.write(
      Array((line + "\n").utf8), deadline: deadline,
      shouldStop: stop)
    {
    case .done: break
    case .timeout: return timedOut(id, allowance)
    case .stopped: return stopForInterruption(id)
    case .closed:
      let why = exitDescription()
      restart()
      return failure(
        id, .backendCrashed, "could not write the case: \(why)")
    }
    while true {
      switch reader.next(deadline: deadline, shouldStop: stop) {
      case .line(let bytes):
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
          continue
        }
        if let result = judgeLine(bytes, id: id) { return result }
      case .tooLong(let count):
        // The rest of the line is already dropped: the stream is in step.
        starting = false
        return WorkBudget.answerTooLong(
          id: id, byteCount: count, limit: reader.maxLineBytes)
      case .timeout: return timedOut(id, allowance)
      case .stopped: return stopForInterruption(id)
      case .closed:
        if Interruption.requested != nil { return stopForInterruption(id) }
        let why = exitDescription()
        restart()
        return failure(id, .backendCrashed, why)
      }
    }
  }

  /// The result for the case `id` if `bytes` settles it (its result, or a
  /// bad answer, after which the program is restarted); nil for a stale
  /// result of an earlier case, which is skipped.
  private func judgeLine(_ bytes: [UInt8], id: String) -> CaseResult? {
    let json: JSONValue
    do {
      json = try JSONParser.parse(bytes)
    } catch {
      return badAnswer(id, "a line that is not JSON (\(error))", bytes)
    }
    guard case .string(let answerID)? = json["id"] else {
      return badAnswer(id, "a line with no string id", bytes)
    }
    if answerID == id {
      starting = false
      do {
        return try CaseResult(json: json)
      } catch {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return failure(id, .backendBadAnswer, "\(error): \(text)")
      }
    }
    if sentIDs.contains(answerID) { return nil }
    return badAnswer(id, "a line for id '\(answerID)', never sent", bytes)
  }

  private func badAnswer(_ id: String, _ what: String, _ bytes: [UInt8])
    -> CaseResult
  {
    restart()
    let text = String(decoding: bytes.prefix(200), as: UTF8.self)
    return failure(
      id, .backendBadAnswer,
      "instead of this case's result the backend wrote \(what): \(text); "
        + "the backend was restarted to stay in step")
  }

  private func timedOut(_ id: String, _ allowance: Double) -> CaseResult {
    restart()
    let during =
      allowance > 0
      ? "within \(timeout + allowance) s during start-up (start-up "
        + "allowance \(allowance) s + per-case \(timeout) s)"
      : "within \(timeout) s"
    return failure(
      id, .backendTimeout,
      "no answer \(during); the backend was stopped and will be restarted")
  }

  private func stopForInterruption(_ id: String) -> CaseResult {
    process?.stop()
    process = nil
    return interrupted(id, Interruption.requested ?? SIGINT)
  }

  private func interrupted(_ id: String, _ sig: Int32) -> CaseResult {
    failure(
      id, .interrupted,
      "the run was stopped by \(Interruption.name(of: sig)) before this case")
  }

  func failure(
    _ id: String, _ kind: HarnessErrorKind, _ message: String
  ) -> CaseResult {
    CaseResult(id: id, outcome: .error(kind: .harness(kind), message: message))
  }

  private func start() throws(BackendStartError) {
    var argv = command
    argv[0] = try program()
    let p = try SupervisedProcess.spawn(argv, environment: environment)
    process = p
    reader = LineReader(
      fd: p.stdoutFD, drainFD: p.stderrFD, maxLineBytes: lineLimit)
    starting = true
    sentIDs = []
  }

  private func restart() {
    process?.stop()
    process = nil
    restarts += 1
  }

  /// How the program ended (waiting up to 1 s to know) and the end of its
  /// standard error.
  private func exitDescription() -> String {
    var s = "the backend closed its output"
    if let status = process?.waitForExit(upTo: 1) { s = status.description }
    reader.drainAvailable()
    let tail = ExecBackend.stderrSummary(reader.stderrTail)
    if !tail.isEmpty { s += "; stderr ends: \(tail)" }
    return s
  }

  /// The useful end of a dead program's standard error: its last 300
  /// bytes, or, after a Python fatal error (the worker's fault handler),
  /// the error and its Python stack (at most 800 bytes), without the list
  /// of extension modules that follows them.
  static func stderrSummary(_ bytes: [UInt8]) -> String {
    var text = String(decoding: bytes, as: UTF8.self)
    if let fatal = text.range(of: "Fatal Python error", options: .backwards) {
      text = String(text[fatal.lowerBound...])
      if let modules = text.range(of: "\nExtension modules:") {
        text = String(text[..<modules.lowerBound])
      }
      return String(text.prefix(800))
    }
    return String(decoding: bytes.suffix(300), as: UTF8.self)
  }
}
