import LossCheckHarness
import Testing

/// The line reader behind `losscheck eval`: lines across chunk borders,
/// over-long lines dropped while streaming, the end of input.
@Suite struct BoundedLineReaderTests {
  /// A reader of `text` in chunks of `chunk` bytes.
  static func reader(_ text: [UInt8], max: Int, chunk: Int) -> BoundedLineReader
  {
    var offset = 0
    return BoundedLineReader(maxLineBytes: max, chunkSize: chunk) { buffer in
      let n = Swift.min(buffer.count, text.count - offset)
      for k in 0..<n { buffer[k] = text[offset + k] }
      offset += n
      return n
    }
  }

  static func lines(_ text: String, max: Int, chunk: Int) -> [BoundedLineReader
    .Line]
  {
    var r = reader(Array(text.utf8), max: max, chunk: chunk)
    var out: [BoundedLineReader.Line] = []
    while let l = r.next() { out.append(l) }
    return out
  }

  static func line(_ s: String) -> BoundedLineReader.Line {
    .line(Array(s.utf8))
  }

  @Test(arguments: [1, 2, 3, 7, 64, 1 << 16])
  func splitsLinesWhateverTheChunkSize(chunk: Int) {
    let got = Self.lines("ab\n\ncdef\r\nlast", max: 100, chunk: chunk)
    #expect(
      got == [
        Self.line("ab"), Self.line(""), Self.line("cdef\r"), Self.line("last"),
      ])
  }

  @Test(arguments: [1, 3, 5, 1 << 16])
  func dropsAnOverLongLineAndGoesOn(chunk: Int) {
    let got = Self.lines("12345\n123456789\n1234\n", max: 5, chunk: chunk)
    #expect(
      got == [Self.line("12345"), .tooLong(byteCount: 9), Self.line("1234")])
  }

  @Test func endOfInput() {
    #expect(Self.lines("", max: 5, chunk: 4).isEmpty)
    #expect(Self.lines("\n", max: 5, chunk: 4) == [Self.line("")])
    #expect(Self.lines("abc", max: 5, chunk: 4) == [Self.line("abc")])
    #expect(
      Self.lines("abcdefgh", max: 5, chunk: 4) == [.tooLong(byteCount: 8)])
  }

  /// A 64 MiB line from a source that makes it on the fly (nothing holds
  /// it whole): reported with its length, and the next line is read.
  @Test func streamsPastAHugeLine() {
    let size = 64 << 20
    var produced = 0
    var tailSent = false
    var r = BoundedLineReader(maxLineBytes: 1 << 20) { buffer in
      if produced < size {
        let n = Swift.min(buffer.count, size - produced)
        for k in 0..<n { buffer[k] = UInt8(ascii: "7") }
        produced += n
        return n
      }
      if tailSent { return 0 }
      tailSent = true
      let tail = Array("\nok\n".utf8)
      for (k, b) in tail.enumerated() { buffer[k] = b }
      return tail.count
    }
    #expect(r.next() == .tooLong(byteCount: size))
    #expect(r.next() == Self.line("ok"))
    #expect(r.next() == nil)
  }
}
