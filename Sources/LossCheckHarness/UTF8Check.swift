/// UTF-8 validation without copying the text (the JSON reader's first
/// pass over a line that may be hundreds of megabytes).
enum UTF8Check {
  /// Whether `bytes` is well-formed UTF-8: no stray continuation bytes,
  /// truncated or overlong sequences, surrogates or code points past
  /// U+10FFFF.
  static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let n = bytes.count
    var i = 0
    while i < n {
      // ASCII, eight bytes at a time.
      while i + 8 <= n {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
      }
      guard i < n else { return true }
      let lead = base[i]
      if lead < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var scalar: UInt32
      switch lead {
      case 0xC2...0xDF: (length, scalar) = (2, UInt32(lead & 0x1F))
      case 0xE0...0xEF: (length, scalar) = (3, UInt32(lead & 0x0F))
      case 0xF0...0xF4: (length, scalar) = (4, UInt32(lead & 0x07))
      default: return false
      }
      guard i + length <= n else { return false }
      for k in 1..<length {
        let c = base[i + k]
        guard c & 0xC0 == 0x80 else { return false }
        scalar = scalar << 6 | UInt32(c & 0x3F)
      }
      switch length {
      case 3 where scalar < 0x800 || (0xD800...0xDFFF).contains(scalar):
        return false
      case 4 where scalar < 0x1_0000 || scalar > 0x10_FFFF:
        return false
      default: break
      }
      i += length
    }
    return true
  }
}
