import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An external program as a backend: started once, it speaks the eval
/// protocol of CASE_SCHEMA.md on its standard input and output (one case
/// line in, one result line out, flushed).
///
/// Nothing the program does can hang or crash `losscheck`:
/// - each case has a deadline (`timeout`); a program that does not answer
///   in time is killed, the case is reported as `backend_timeout`, and the
///   program is started again for the next case;
/// - a program that exits mid-stream is reported on that case as
///   `backend_crashed` (with its exit status and the end of its standard
///   error) and started again for the next one, at most `maxRestarts` times;
/// - an answer that is not a result line is reported as
///   `backend_bad_answer`; one whose id is not the case's is reported by the
///   judge.
///
/// These kinds are LossCheck's own, never PyTorch's: a golden case cannot
/// expect them, so such a case always fails.
public final class ExecBackend: LossBackend, @unchecked Sendable {
  public let name: String
  public let command: [String]
  public let timeout: Double
  public let maxRestarts: Int

  private let lock = NSLock()
  private var process: Process?
  private var stdinHandle: FileHandle?
  private var stdoutFD: Int32 = -1
  private var stderrPipe: Pipe?
  private var buffer: [UInt8] = []
  private var restarts = 0

  /// `command` is split on spaces, with single or double quotes grouping.
  public init(command: String, timeout: Double = 10, maxRestarts: Int = 20) {
    self.command = ExecBackend.split(command)
    self.name = "exec:\(command)"
    self.timeout = timeout
    self.maxRestarts = maxRestarts
    // A backend that dies while we write to it must not kill us by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
  }

  deinit { stop() }

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

  public func evaluate(_ c: Case) -> CaseResult {
    // The case is sent as the golden line minus nothing the backend needs to
    // ignore: `expected` is part of the protocol and backends skip it.
    evaluate(line: CaseJSON.encode(c), id: c.id)
  }

  /// Sends one line and waits for one answer line.
  public func evaluate(line: String, id: String) -> CaseResult {
    lock.lock()
    defer { lock.unlock() }
    if process == nil {
      guard restarts <= maxRestarts else {
        return failure(id, "backend_crashed", "gave up after \(maxRestarts) restarts")
      }
      if let problem = start() { return failure(id, "backend_crashed", problem) }
    }
    guard let input = stdinHandle else {
      return failure(id, "backend_crashed", "no standard input")
    }
    do {
      try input.write(contentsOf: Array((line + "\n").utf8))
    } catch {
      let why = exitDescription()
      stop()
      restarts += 1
      return failure(id, "backend_crashed", "could not write the case: \(why)")
    }
    switch readLine(deadline: Date().addingTimeInterval(timeout)) {
    case .line(let bytes):
      do {
        return try CaseResult(json: JSONParser.parse(bytes))
      } catch {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return failure(id, "backend_bad_answer", "\(error): \(text)")
      }
    case .timeout:
      stop()
      restarts += 1
      return failure(
        id, "backend_timeout",
        "no answer within \(timeout) s; the backend was stopped and will be restarted")
    case .closed:
      let why = exitDescription()
      stop()
      restarts += 1
      return failure(id, "backend_crashed", why)
    }
  }

  func failure(_ id: String, _ kind: String, _ message: String) -> CaseResult {
    CaseResult(id: id, outcome: .error(kind: kind, message: message))
  }

  private func start() -> String? {
    guard let exe = command.first else { return "empty command" }
    let p = Process()
    if exe.contains("/") {
      p.executableURL = URL(fileURLWithPath: exe)
      p.arguments = Array(command.dropFirst())
    } else {
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = command
    }
    let inPipe = Pipe()
    let outPipe = Pipe()
    let errPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    p.standardError = errPipe
    do {
      try p.run()
    } catch {
      return "could not start \(command.joined(separator: " ")): \(error)"
    }
    process = p
    stdinHandle = inPipe.fileHandleForWriting
    stdoutFD = outPipe.fileHandleForReading.fileDescriptor
    stderrPipe = errPipe
    buffer = []
    // Keep stderr drained so a chatty backend cannot block on it.
    errPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
      let data = h.availableData
      guard let self, !data.isEmpty else { return }
      self.stderrLock.lock()
      self.stderrTail.append(contentsOf: data)
      if self.stderrTail.count > 4096 { self.stderrTail.removeFirst(self.stderrTail.count - 4096) }
      self.stderrLock.unlock()
    }
    return nil
  }

  private let stderrLock = NSLock()
  private var stderrTail: [UInt8] = []

  private func exitDescription() -> String {
    var s = "the backend closed its output"
    if let p = process {
      // Give it a moment to finish exiting so the status is known.
      let until = Date().addingTimeInterval(1)
      while p.isRunning && Date() < until { usleep(5_000) }
      if !p.isRunning {
        s = p.terminationReason == .uncaughtSignal
          ? "the backend was killed by signal \(p.terminationStatus)"
          : "the backend exited with status \(p.terminationStatus)"
      }
    }
    stderrLock.lock()
    let tail = String(decoding: stderrTail.suffix(300), as: UTF8.self)
    stderrLock.unlock()
    if !tail.isEmpty { s += "; stderr ends: \(tail)" }
    return s
  }

  private func stop() {
    stderrPipe?.fileHandleForReading.readabilityHandler = nil
    if let p = process, p.isRunning {
      kill(p.processIdentifier, SIGKILL)
      p.waitUntilExit()
    }
    try? stdinHandle?.close()
    process = nil
    stdinHandle = nil
    stdoutFD = -1
    stderrPipe = nil
    buffer = []
  }

  enum ReadOutcome {
    case line([UInt8])
    case timeout
    case closed
  }

  private func readLine(deadline: Date) -> ReadOutcome {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      if let nl = buffer.firstIndex(of: 0x0A) {
        let line = Array(buffer[..<nl])
        buffer.removeSubrange(...nl)
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
        return .line(line)
      }
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return .timeout }
      var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
      let ready = poll(&pfd, 1, Int32(min(remaining * 1000, 1000)) + 1)
      if ready < 0 {
        if errno == EINTR { continue }
        return .closed
      }
      if ready == 0 { continue }
      let n = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return .closed }
      buffer.append(contentsOf: chunk[0..<n])
    }
  }
}

/// A case as one JSON line of the eval protocol.
public enum CaseJSON {
  public static func encode(_ c: Case) -> String {
    var o = JSONObject([
      ("id", .string(c.id)), ("loss", .string(c.loss)), ("dtype", .string(c.dtype.rawValue)),
      ("options", .object(c.options)),
    ])
    var inputs = JSONObject()
    for name in c.inputs.keys.sorted() {
      switch c.inputs[name] {
      case .tensor(let t)?: inputs[name] = TensorJSON.encode(t)
      case .number(let x)?: inputs[name] = TensorJSON.number(x)
      case nil: break
      }
    }
    o["inputs"] = .object(inputs)
    o["grad_wrt"] = .array(c.gradWrt.map { .string($0) })
    if let g = c.gradOutput { o["grad_output"] = TensorJSON.encode(g) }
    return JSONWriter.write(.object(o))
  }
}
