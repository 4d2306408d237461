import LossCheckTestSupport
import Testing

@testable import LossCheckHarness

/// The JSON reader does linear work however its input nests: the bytes it
/// examines besides its one forward pass (``JSONParser/extraWork``) stay
/// within a small multiple of the text. Work is counted, not timed.
@Suite struct JSONParserWorkTests {
  /// `levels` objects nested through their "data" arrays, each array
  /// holding `ones` numbers before the next object: every "data" array is
  /// first tried as numbers and then read as a plain array.
  static func nested(levels: Int, ones: Int) -> [UInt8] {
    let prefix = String(repeating: "1,", count: ones)
    var text = "[]"
    for _ in 0..<levels { text = "{\"data\":[" + prefix + text + "]}" }
    return Array(text.utf8)
  }

  @Test func aFlatNumberArrayIsLookedAheadAtOnce() throws {
    let numbers = (0..<100_000).map { "\(Double($0) / 7)" }
    let bytes = Array(
      "{\"data\":[\(numbers.joined(separator: ", "))]}".utf8)
    let v = try JSONParser.parse(bytes)
    guard case .numbers(let n)? = v["data"] else {
      Issue.record("expected the number fast path")
      return
    }
    #expect(n.count == 100_000 && n.values[7] == 1)
    #expect(JSONParser.extraWork(parsing: bytes) <= bytes.count)
  }

  @Test func nestedDataArraysAreNotRescannedPerLevel() throws {
    let bytes = Self.nested(levels: 30, ones: 1000)
    // Still read correctly: the innermost array is empty.
    var v = try JSONParser.parse(bytes)
    for _ in 0..<30 {
      guard case .array(let items)? = v["data"], let last = items.last
      else { break }
      #expect(items.count == 1001)
      v = last
    }
    #expect(v == .array([]))
    let work = JSONParser.extraWork(parsing: bytes)
    #expect(
      work <= 3 * bytes.count,
      "\(work) bytes of extra work for \(bytes.count) bytes of text")
  }
}

/// The exact fast path for numbers reads every decimal as the standard
/// library does (correctly rounded), and gives way on the rest.
@Suite struct JSONNumberFastPathTests {
  static let edges = [
    "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "1e22", "1e23",
    "1e-22", "1e-23", "9007199254740992", "9007199254740993",
    "9007199254740991", "0.000123", "123.456e-5", "5e-324", "1.7976931348623157e308",
    "2.2250738585072014e-308", "0.1000000000000000055511151231257827",
    "100000000000000000000000", "4.35", "1E5", "1e+5", "12345678901234567",
    "1234567890123456", "0.30000000000000004", "3.0e0", "7e-10",
  ]

  func read(_ text: String) -> Double {
    Array(text.utf8).withUnsafeBufferPointer { JSONParser.double($0) }
  }

  func same(_ a: Double, _ b: Double) -> Bool {
    a.bitPattern == b.bitPattern
  }

  @Test func edgeCasesReadAsTheStandardLibraryReadsThem() throws {
    for text in Self.edges {
      let want = try #require(Double(text))
      #expect(same(read(text), want), "\(text)")
    }
  }

  @Test func randomDecimalsReadAsTheStandardLibraryReadsThem() {
    var rng = SeededRandom(seed: 13)
    var fast = 0
    for _ in 0..<200_000 {
      // Up to 17 digits and exponents around the fast path's edge.
      let digits = Int(rng.next() % 17) + 1
      var mantissa = ""
      for _ in 0..<digits { mantissa += String(rng.next() % 10) }
      let point = Int(rng.next() % UInt64(digits + 1))
      let exponent = Int(rng.next() % 61) - 30
      var text = String(mantissa.prefix(point))
      if text.isEmpty { text = "0" }
      if point < digits { text += "." + mantissa.dropFirst(point) }
      if rng.next() % 2 == 0 { text += "e\(exponent)" }
      if rng.next() % 2 == 0 { text = "-" + text }
      guard let want = Double(text) else { continue }
      let bytes = Array(text.utf8)
      if bytes.withUnsafeBufferPointer({ JSONParser.exactDouble($0) }) != nil {
        fast += 1
      }
      #expect(same(read(text), want), "\(text)")
    }
    // Both paths were taken.
    #expect(fast > 50_000 && fast < 190_000, "\(fast) read exactly")
  }
}
