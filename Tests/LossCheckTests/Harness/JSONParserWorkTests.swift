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
