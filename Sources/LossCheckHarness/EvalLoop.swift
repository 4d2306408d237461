#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The eval protocol's loop: one case per input line, one result line per
/// case, in order, flushed after each.
public enum EvalLoop {
  /// Lines longer than this get an error result without being parsed (or
  /// held: the reader drops the rest of such a line as it streams past).
  public static let maxLineBytes = 256 << 20

  /// Reads standard input to its end.
  public static func run(backend: any LossBackend) throws {
    var reader = BoundedLineReader(fileDescriptor: 0, maxLineBytes: maxLineBytes)
    while let next = reader.next() {
      switch next {
      case .line(let bytes):
        if let text = answer(bytes, backend: backend) { write(text + "\n") }
      case .tooLong(let count):
        write(resultLine(tooLong(count)) + "\n")
      }
    }
  }

  /// The result line for one input line (nil for a blank line).
  public static func answer(_ line: some Collection<UInt8>, backend: any LossBackend)
    -> String?
  {
    let read = { (buffer: UnsafeBufferPointer<UInt8>) in
      answer(buffer: buffer, backend: backend)
    }
    return line.withContiguousStorageIfAvailable(read)
      ?? Array(line).withUnsafeBufferPointer(read)
  }

  static func answer(buffer: UnsafeBufferPointer<UInt8>, backend: any LossBackend)
    -> String?
  {
    var end = buffer.count
    while end > 0, buffer[end - 1] == 0x0A || buffer[end - 1] == 0x0D { end -= 1 }
    let bytes = UnsafeBufferPointer(rebasing: buffer[..<end])
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
    if bytes.count > maxLineBytes { return resultLine(tooLong(bytes.count)) }
    return resultLine(backend.evaluate(line: bytes))
  }

  /// The error result for a line of `count` bytes over the limit.
  static func tooLong(_ count: Int) -> CaseResult {
    CaseResult(
      id: "",
      outcome: .error(
        kind: "invalid_option",
        message: "line of \(count) bytes is longer than \(maxLineBytes)"))
  }

  /// The result's JSON line, written straight from the tensors for a
  /// value (no JSON tree of one `String` per element); the same text as
  /// `JSONWriter.write(result.json)`.
  public static func resultLine(_ result: CaseResult) -> String {
    guard case .value(let output, let grads) = result.outcome else {
      return JSONWriter.write(result.json)
    }
    var out = "{\"id\":"
    JSONWriter.writeString(result.id, into: &out)
    out += ",\"output\":"
    TensorJSON.write(output, into: &out)
    if !grads.isEmpty {
      out += ",\"grads\":{"
      for (k, name) in grads.keys.sorted().enumerated() {
        guard let t = grads[name] else { continue }
        if k > 0 { out += "," }
        JSONWriter.writeString(name, into: &out)
        out += ":"
        TensorJSON.write(t, into: &out)
      }
      out += "}"
    }
    out += "}"
    return out
  }

  /// Writes all of `s` to standard output (unbuffered, so nothing waits).
  static func write(_ s: String) {
    var s = s
    s.withUTF8 { buf in
      guard let base = buf.baseAddress else { return }
      var offset = 0
      while offset < buf.count {
        let n = Glibc.write(1, base + offset, buf.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
      }
    }
  }
}
