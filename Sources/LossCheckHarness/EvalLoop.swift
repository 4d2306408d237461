#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The eval protocol's loop: one case per input line, one result line per
/// case, in order, flushed after each.
public enum EvalLoop {
  /// Lines longer than this get an error result without being parsed.
  public static let maxLineBytes = 256 << 20

  /// Reads standard input to its end.
  public static func run(backend: any LossBackend) throws {
    var pending: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var scanFrom = 0
    while true {
      let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      pending.append(contentsOf: chunk[0..<n])
      while let nl = pending[scanFrom...].firstIndex(of: 0x0A) {
        if let text = answer(pending[..<nl], backend: backend) { write(text + "\n") }
        pending.removeSubrange(...nl)
        scanFrom = 0
      }
      scanFrom = pending.count
    }
    if let text = answer(pending, backend: backend) { write(text + "\n") }
  }

  /// The result line for one input line (nil for a blank line).
  public static func answer(_ line: some Collection<UInt8>, backend: any LossBackend)
    -> String?
  {
    var bytes = Array(line)
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
    let result: CaseResult
    if bytes.count > maxLineBytes {
      result = CaseResult(
        id: "",
        outcome: .error(
          kind: "invalid_option",
          message: "line of \(bytes.count) bytes is longer than \(maxLineBytes)"))
    } else {
      result = backend.evaluate(line: bytes)
    }
    return JSONWriter.write(result.json)
  }

  /// Writes all of `s` to standard output (unbuffered, so nothing waits).
  static func write(_ s: String) {
    var s = s
    s.withUTF8 { buf in
      var offset = 0
      while offset < buf.count {
        let n = Glibc.write(1, buf.baseAddress! + offset, buf.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
      }
    }
  }
}
