/// A JSON value as LossCheck reads it: numbers keep their text, so that a
/// float32 tensor, a float64 tensor and an int64 tensor can each read the
/// same lexeme exactly; objects keep their key order.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([JSONValue])
  /// An array of numbers read compactly (tensor data; see ``JSONNumbers``).
  case numbers(JSONNumbers)
  case object(JSONObject)

  /// The type name used in error messages.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array, .numbers: "an array"
    case .object: "an object"
    }
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }
}

/// An ordered JSON object.
public struct JSONObject: Sendable, Equatable {
  public private(set) var keys: [String] = []
  public private(set) var values: [JSONValue] = []

  public init() {}

  public init(_ pairs: [(String, JSONValue)]) {
    for (k, v) in pairs { self[k] = v }
  }

  /// An object of `keys` (which must be distinct) and their `values`.
  init(uniqueKeys keys: [String], values: [JSONValue]) {
    self.keys = keys
    self.values = values
  }

  public subscript(key: String) -> JSONValue? {
    get {
      guard let i = keys.firstIndex(of: key) else { return nil }
      return values[i]
    }
    set {
      if let i = keys.firstIndex(of: key) {
        if let newValue {
          values[i] = newValue
        } else {
          keys.remove(at: i)
          values.remove(at: i)
        }
      } else if let newValue {
        keys.append(key)
        values.append(newValue)
      }
    }
  }

  public var pairs: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}

/// Why a JSON text could not be read.
public struct JSONParseError: Error, Equatable, Sendable,
  CustomStringConvertible
{
  public var offset: Int
  public var reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser with limits for hostile input: nesting deeper
/// than `maxDepth` and invalid UTF-8 are refused rather than followed.
public struct JSONParser {
  public static let defaultMaxDepth = 64

  /// The keys whose arrays of numbers are read as ``JSONValue/numbers``:
  /// the tensor data of the case schema.
  public static let defaultNumberArrayKeys: Set<String> = ["data"]

  /// Parses one complete JSON text.
  ///
  /// An array of numbers (or "nan", "inf", "-inf") held under one of
  /// `numberArrayKeys` comes back as ``JSONValue/numbers`` (8 bytes an
  /// element); any other array, or one of those holding anything else,
  /// as ``JSONValue/array``. Pass an empty set for plain arrays only.
  public static func parse(
    _ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth,
    numberArrayKeys: Set<String> = defaultNumberArrayKeys
  ) throws(JSONParseError) -> JSONValue {
    let read = { (buffer: UnsafeBufferPointer<UInt8>) in
      parse(
        buffer: buffer, maxDepth: maxDepth, numberArrayKeys: numberArrayKeys)
    }
    let result =
      bytes.withContiguousStorageIfAvailable(read)
      ?? Array(bytes).withUnsafeBufferPointer(read)
    return try result.get()
  }

  public static func parse(
    _ text: String, maxDepth: Int = defaultMaxDepth,
    numberArrayKeys: Set<String> = defaultNumberArrayKeys
  ) throws(JSONParseError) -> JSONValue {
    try parse(
      Array(text.utf8), maxDepth: maxDepth, numberArrayKeys: numberArrayKeys)
  }

  static func parse(
    buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int,
    numberArrayKeys: Set<String>
  ) -> Result<JSONValue, JSONParseError> {
    guard UTF8Check.isValid(buffer) else {
      return .failure(
        JSONParseError(offset: 0, reason: "the text is not valid UTF-8"))
    }
    var p = JSONParser(
      bytes: buffer, maxDepth: maxDepth, numberArrayKeys: numberArrayKeys)
    do {
      p.skipSpace()
      let v = try p.value(depth: 0)
      p.skipSpace()
      guard p.i == p.bytes.count else {
        throw p.fail("unexpected text after the value")
      }
      return .success(v)
    } catch let e as JSONParseError {
      return .failure(e)
    } catch {
      return .failure(JSONParseError(offset: p.i, reason: "\(error)"))
    }
  }

  let bytes: UnsafeBufferPointer<UInt8>
  let maxDepth: Int
  let numberArrayKeys: Set<String>
  var i = 0
  /// Bytes examined besides the one forward pass: the look-ahead that
  /// sizes a number array, and the elements read again when an array
  /// under a number-array key turns out to hold something else. At most
  /// about twice the text whatever it nests, so parsing stays linear (a
  /// test checks this count rather than a time).
  var extraWork = 0

  /// ``extraWork`` after parsing `bytes` with the default limits.
  static func extraWork(parsing bytes: [UInt8]) -> Int {
    bytes.withUnsafeBufferPointer { buffer in
      var p = JSONParser(
        bytes: buffer, maxDepth: defaultMaxDepth,
        numberArrayKeys: defaultNumberArrayKeys)
      p.skipSpace()
      _ = try? p.value(depth: 0)
      return p.extraWork
    }
  }

  init(
    bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int,
    numberArrayKeys: Set<String>
  ) {
    self.bytes = bytes
    self.maxDepth = maxDepth
    self.numberArrayKeys = numberArrayKeys
  }

  func fail(_ reason: String) -> JSONParseError {
    JSONParseError(offset: i, reason: reason)
  }

  mutating func skipSpace() {
    while i < bytes.count {
      switch bytes[i] {
      case 0x20, 0x09, 0x0A, 0x0D: i += 1
      default: return
      }
    }
  }

  mutating func value(depth: Int) throws -> JSONValue {
    guard i < bytes.count else { throw fail("unexpected end of text") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      guard depth < maxDepth else {
        throw fail("nesting deeper than \(maxDepth) levels")
      }
      return try object(depth: depth + 1)
    case UInt8(ascii: "["):
      guard depth < maxDepth else {
        throw fail("nesting deeper than \(maxDepth) levels")
      }
      return try array(depth: depth + 1)
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .number(try number())
    default:
      throw fail("unexpected character '\(Unicode.Scalar(bytes[i]))'")
    }
  }

  mutating func literal(_ word: String) throws {
    for b in word.utf8 {
      guard i < bytes.count, bytes[i] == b else {
        throw fail("expected '\(word)'")
      }
      i += 1
    }
  }

  mutating func object(depth: Int) throws -> JSONValue {
    i += 1
    var keys: [String] = []
    var values: [JSONValue] = []
    var seen = Set<String>()
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return .object(JSONObject())
    }
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
        throw fail("expected a string key")
      }
      let key = try string()
      guard seen.insert(key).inserted else {
        throw fail("duplicate key \"\(key)\"")
      }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
        throw fail("expected ':'")
      }
      i += 1
      skipSpace()
      keys.append(key)
      if i < bytes.count, bytes[i] == UInt8(ascii: "["), depth < maxDepth,
        numberArrayKeys.contains(key), let n = try numberArray()
      {
        values.append(.numbers(n))
      } else {
        values.append(try value(depth: depth))
      }
      guard try another(closing: "}", in: "object") else { break }
    }
    // The keys are unique (checked above), so no search per key: that
    // would cost n^2/2 comparisons for an object of n keys.
    return .object(JSONObject(uniqueKeys: keys, values: values))
  }

  /// After an element of an array or object: skips space, then a `,`
  /// (true: another element follows) or the `closing` bracket (false).
  /// Anything else, or the end of the text, throws.
  mutating func another(closing: Unicode.Scalar, in what: String) throws
    -> Bool
  {
    skipSpace()
    guard i < bytes.count else { throw fail("unterminated \(what)") }
    if bytes[i] == UInt8(ascii: ",") {
      i += 1
      return true
    }
    guard bytes[i] == UInt8(ascii: closing) else {
      throw fail("expected ',' or '\(closing)'")
    }
    i += 1
    return false
  }

  mutating func array(depth: Int) throws -> JSONValue {
    i += 1
    var items: [JSONValue] = []
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return .array(items)
    }
    repeat {
      skipSpace()
      items.append(try value(depth: depth))
    } while try another(closing: "]", in: "array")
    return .array(items)
  }

  /// The array at `i` read as numbers, or nil (and `i` unmoved) when it
  /// holds anything but numbers and the strings "nan", "inf", "-inf".
  /// Malformed text throws what ``array(depth:)`` would.
  mutating func numberArray() throws -> JSONNumbers? {
    let start = i
    i += 1
    var values: [Double] = []
    // Sized from the commas before the first bracket (an upper bound when
    // the array is flat, which it must be to be read here), so that the
    // array never grows by doubling.
    values.reserveCapacity(elementBound(from: i))
    var exceptions: [Int: JSONValue] = [:]
    // Not numbers after all: back to the '[', to be read as a plain array
    // (what was read so far is read again).
    func giveUp(_ p: inout JSONParser) -> JSONNumbers? {
      p.extraWork += p.i - start
      p.i = start
      return nil
    }
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return JSONNumbers(values: [], exceptions: [:])
    }
    repeat {
      skipSpace()
      guard i < bytes.count else { throw fail("unexpected end of text") }
      let b = bytes[i]
      if b == UInt8(ascii: "-")
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
      {
        let from = i
        let (d, exact) = try numberValue()
        if !exact {
          exceptions[values.count] = .number(
            String(
              decoding: UnsafeBufferPointer(rebasing: bytes[from..<i]),
              as: UTF8.self))
        }
        values.append(d)
      } else if b == UInt8(ascii: "\"") {
        let s = try string()
        let v: Double
        switch s {
        case "nan": v = .nan
        case "inf": v = .infinity
        case "-inf": v = -.infinity
        default: return giveUp(&self)
        }
        exceptions[values.count] = .string(s)
        values.append(v)
      } else {
        return giveUp(&self)
      }
    } while try another(closing: "]", in: "array")
    return JSONNumbers(values: values, exceptions: exceptions)
  }

  /// One more than the commas between `from` and the next bracket. It
  /// stops at a '[' or '{' too: an array holding one is not read as
  /// numbers, and looking past it would scan each nested level's text once
  /// per enclosing level.
  mutating func elementBound(from: Int) -> Int {
    var commas = 0
    var k = from
    scan: while k < bytes.count {
      switch bytes[k] {
      case UInt8(ascii: "]"), UInt8(ascii: "["), UInt8(ascii: "{"): break scan
      case UInt8(ascii: ","): commas += 1
      default: break
      }
      k += 1
    }
    extraWork += k - from
    return commas + 1
  }

  /// Reads a number as a double, and whether the double stands for its
  /// text exactly enough for every dtype: finite, and not an integer
  /// beyond 2^53 (whose int64 reading needs the digits).
  mutating func numberValue() throws -> (Double, Bool) {
    let start = i
    let integral = try numberSpan()
    let d = JSONParser.double(UnsafeBufferPointer(rebasing: bytes[start..<i]))
    let exact = d.isFinite && !(integral && abs(d) >= 9_007_199_254_740_992)
    return (d, exact)
  }

  /// The double nearest to a valid JSON number's text.
  static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double {
    // Short texts (all but very long mantissas) are small strings: no
    // allocation.
    Double(String(decoding: text, as: UTF8.self)) ?? .nan
  }

  mutating func number() throws -> String {
    let start = i
    _ = try numberSpan()
    return String(
      decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
  }

  /// Moves past one number, checking its grammar; whether it is an integer
  /// (no fraction, no exponent).
  mutating func numberSpan() throws -> Bool {
    func digits(_ p: inout JSONParser) -> Int {
      let s = p.i
      while p.i < p.bytes.count,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.i])
      {
        p.i += 1
      }
      return p.i - s
    }
    var integral = true
    if bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count else { throw fail("incomplete number") }
    if bytes[i] == UInt8(ascii: "0") {
      i += 1
    } else if digits(&self) == 0 {
      throw fail("expected a digit")
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      integral = false
      guard digits(&self) > 0 else { throw fail("expected a digit after '.'") }
    }
    if i < bytes.count,
      bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")
    {
      i += 1
      integral = false
      if i < bytes.count,
        bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")
      {
        i += 1
      }
      guard digits(&self) > 0 else { throw fail("expected an exponent") }
    }
    return integral
  }

  mutating func string() throws -> String {
    i += 1
    var out: [UInt8] = []
    while true {
      guard i < bytes.count else { throw fail("unterminated string") }
      let b = bytes[i]
      i += 1
      switch b {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard i < bytes.count else { throw fail("unterminated escape") }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code) {
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
              bytes[i + 1] == UInt8(ascii: "u")
            else { throw fail("unpaired surrogate") }
            i += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else {
              throw fail("unpaired surrogate")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(code) {
            throw fail("unpaired surrogate")
          }
          guard let scalar = Unicode.Scalar(code) else {
            throw fail("invalid code point")
          }
          out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
          throw fail("invalid escape")
        }
      case 0..<0x20:
        throw fail("control character in a string")
      default:
        out.append(b)
      }
    }
  }

  mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count else { throw fail("incomplete \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let b = bytes[i]
      let d: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
      default: throw fail("invalid \\u escape")
      }
      v = v * 16 + d
      i += 1
    }
    return v
  }
}

/// Compact JSON text, keys in order.
public enum JSONWriter {
  public static func write(_ value: JSONValue) -> String {
    var out = ""
    write(value, into: &out)
    return out
  }

  public static func write(_ value: JSONValue, into out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n): out += n
    case .string(let s): writeString(s, into: &out)
    case .array(let items):
      out += "["
      for (k, v) in items.enumerated() {
        if k > 0 { out += "," }
        write(v, into: &out)
      }
      out += "]"
    case .numbers(let n):
      out += "["
      for k in 0..<n.count {
        if k > 0 { out += "," }
        write(n[k], into: &out)
      }
      out += "]"
    case .object(let o):
      out += "{"
      for (k, (key, v)) in o.pairs.enumerated() {
        if k > 0 { out += "," }
        writeString(key, into: &out)
        out += ":"
        write(v, into: &out)
      }
      out += "}"
    }
  }

  public static func writeString(_ s: String, into out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        let h = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      default: out.unicodeScalars.append(u)
      }
    }
    out += "\""
  }
}
