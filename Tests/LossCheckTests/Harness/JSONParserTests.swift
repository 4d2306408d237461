import LossCheckHarness
import Testing

@Suite struct JSONParserTests {
  @Test func parsesEveryKindAndKeepsNumberText() throws {
    let v = try JSONParser.parse(
      #"{"a": [1, -2.5e-3, true, null, "x\n\u00e9"], "b": {}}"#)
    guard case .object(let o) = v else {
      Issue.record("not an object")
      return
    }
    #expect(o.keys == ["a", "b"])
    #expect(
      v["a"]
        == .array([
          .number("1"), .number("-2.5e-3"), .bool(true), .null, .string("x\né"),
        ]))
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "1e", "\"\\x\"", "tru",
    "[1] 2", "{\"a\":1,\"a\":2}", "\"\u{01}\"", "\"\\ud800\"", "nan",
    "Infinity",
  ])
  func refusesMalformedText(_ text: String) {
    #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
  }

  @Test func refusesDeepNestingWithoutRecursingIntoIt() {
    let deep =
      String(repeating: "[", count: 100_000)
      + String(repeating: "]", count: 100_000)
    #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
  }

  @Test func refusesInvalidUTF8() {
    let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
    #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
  }

  @Test func writerRoundTrips() throws {
    let text = #"{"k":["a\"b",1.5,-0.0,{"z":null}],"t":true}"#
    #expect(JSONWriter.write(try JSONParser.parse(text)) == text)
  }
}
