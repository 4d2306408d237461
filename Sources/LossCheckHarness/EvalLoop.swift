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
    var reader = BoundedLineReader(
      fileDescriptor: 0, maxLineBytes: maxLineBytes)
    var out = StandardOutput()
    while let next = reader.next() {
      switch next {
      case .line(let bytes):
        let answered = bytes.withUnsafeBufferPointer { buffer in
          respond(to: buffer, backend: backend, into: &out)
        }
        guard answered else { continue }
      case .tooLong(let count):
        writeResult(tooLong(count), to: &out)
      }
      out.write("\n")
      out.flush()
    }
  }

  /// The result line for one input line (nil for a blank line).
  public static func answer(
    _ line: some Collection<UInt8>, backend: any LossBackend
  )
    -> String?
  {
    let read = { (buffer: UnsafeBufferPointer<UInt8>) -> String? in
      var text = ""
      return respond(to: buffer, backend: backend, into: &text) ? text : nil
    }
    return line.withContiguousStorageIfAvailable(read)
      ?? Array(line).withUnsafeBufferPointer(read)
  }

  /// Writes the result for one line (its trailing "\r\n" ignored) to
  /// `out`; false, writing nothing, for a blank line.
  static func respond(
    to buffer: UnsafeBufferPointer<UInt8>, backend: any LossBackend,
    into out: inout some TextOutputStream
  ) -> Bool {
    var end = buffer.count
    while end > 0, buffer[end - 1] == 0x0A || buffer[end - 1] == 0x0D {
      end -= 1
    }
    let bytes = UnsafeBufferPointer(rebasing: buffer[..<end])
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return false }
    let result =
      bytes.count > maxLineBytes
      ? tooLong(bytes.count) : backend.evaluate(line: bytes)
    writeResult(result, to: &out)
    return true
  }

  /// The error result for a line of `count` bytes over the limit.
  static func tooLong(_ count: Int) -> CaseResult {
    CaseResult(
      id: "",
      outcome: .error(
        kind: .loss(.invalidOption),
        message: "line of \(count) bytes is longer than \(maxLineBytes)"))
  }

  /// The result's JSON line.
  public static func resultLine(_ result: CaseResult) -> String {
    var text = ""
    writeResult(result, to: &text)
    return text
  }

  /// Writes the result's JSON line (without "\n") to `out`: for a value
  /// straight from the tensors, so a large answer never exists as a JSON
  /// tree of one `String` per element; the same text as
  /// `JSONWriter.write(result.json)`.
  public static func writeResult(
    _ result: CaseResult, to out: inout some TextOutputStream
  ) {
    guard case .value(let output, let grads) = result.outcome else {
      out.write(JSONWriter.write(result.json))
      return
    }
    var id = ""
    JSONWriter.writeString(result.id, into: &id)
    out.write("{\"id\":" + id + ",\"output\":")
    TensorJSON.write(output, to: &out)
    if !grads.isEmpty {
      out.write(",\"grads\":{")
      for (k, name) in grads.keys.sorted().enumerated() {
        guard let t = grads[name] else { continue }
        var key = k > 0 ? "," : ""
        JSONWriter.writeString(name, into: &key)
        out.write(key + ":")
        TensorJSON.write(t, to: &out)
      }
      out.write("}")
    }
    out.write("}")
  }
}

/// Standard output in 64 KiB pieces: a long result line is written as it
/// is produced, never held whole.
struct StandardOutput: TextOutputStream {
  var pending: [UInt8] = []

  mutating func write(_ string: String) {
    pending.append(contentsOf: string.utf8)
    if pending.count >= 1 << 16 { flush() }
  }

  /// Writes everything pending (retrying interrupted writes; a closed
  /// output drops it).
  mutating func flush() {
    pending.withUnsafeBytes { buf in
      guard let base = buf.baseAddress else { return }
      var offset = 0
      while offset < buf.count {
        let n = posixWrite(1, base + offset, buf.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
      }
    }
    pending.removeAll(keepingCapacity: true)
  }
}
