import LossCheck
import LossCheckHarness
import Testing

/// Tensor data read straight into doubles (`JSONValue.numbers`): every
/// dtype still reads exactly what was written, and bad elements are
/// refused as before.
@Suite struct CompactNumbersTests {
  static func tensor(_ dtype: String, _ data: String, count: Int) throws
    -> AnyTensor
  {
    let text = #"{"dtype":"\#(dtype)","shape":[\#(count)],"data":[\#(data)]}"#
    return try TensorJSON.decode(JSONParser.parse(text), field: "t")
  }

  @Test func dataArraysAreCompactOtherArraysAreNot() throws {
    let v = try JSONParser.parse(
      #"{"shape":[2],"data":[1,"nan",-2.5e-3],"x":[1]}"#)
    guard case .numbers(let n)? = v["data"] else {
      Issue.record("data is not compact: \(String(describing: v["data"]))")
      return
    }
    #expect(n.count == 3 && n.values[0] == 1 && n.values[1].isNaN)
    #expect(n.values[2] == -2.5e-3)
    #expect(v["shape"] == .array([.number("2")]))
    #expect(v["x"] == .array([.number("1")]))
    let plain = try JSONParser.parse(#"{"data":[1,2]}"#, numberArrayKeys: [])
    #expect(plain["data"] == .array([.number("1"), .number("2")]))
  }

  @Test func anythingElseInDataFallsBackToAPlainArray() throws {
    let v = try JSONParser.parse(#"{"data":[1,"two",[3],null]}"#)
    #expect(
      v["data"]
        == .array([.number("1"), .string("two"), .array([.number("3")]), .null])
    )
  }

  @Test func malformedNumbersAreStillRefused() {
    for text in [
      #"{"data":[1,]}"#, #"{"data":[01]}"#, #"{"data":[1 2]}"#, #"{"data":[1"#,
    ] {
      #expect(throws: JSONParseError.self, "\(text)") {
        try JSONParser.parse(text)
      }
    }
  }

  @Test func int64BeyondTwoToThe53IsExact() throws {
    let t = try Self.tensor(
      "int64", "9007199254740993,-9223372036854775808,3,2.0,1e3", count: 5)
    #expect(
      t
        == .int64(
          try Tensor(
            shape: [5],
            scalars: [
              9_007_199_254_740_993, .min, 3, 2, 1000,
            ])))
  }

  @Test func floatsReadTheirDecimalsAsBefore() throws {
    let d = try Self.tensor("float64", #"0.1,"-inf",3e-310,"nan""#, count: 4)
    guard case .float64(let x) = d else { throw Failure.wrongDtype }
    #expect(x.scalars[0] == 0.1 && x.scalars[1] == -.infinity)
    #expect(x.scalars[2] == 3e-310 && x.scalars[3].isNaN)
    let f = try Self.tensor("float32", "0.1,16777217", count: 2)
    #expect(
      f == .float32(try Tensor(shape: [2], scalars: [Float(0.1), 16_777_216])))
  }

  @Test(arguments: [
    ("float64", "1e999", "t.data[0]"),
    ("float32", "1,1e39", "t.data[1]"),
    ("int64", #"1,"nan""#, "t.data[1]"),
    ("int64", "1,0.5", "t.data[1]"),
    ("int64", "9223372036854775808", "t.data[0]"),
    ("float64", #"1,"NaN""#, "t.data[1]"),
  ])
  func badElementsAreRefusedByIndex(
    _ dtype: String, _ data: String, _ field: String
  ) {
    let count = data.split(separator: ",").count
    do {
      _ = try Self.tensor(dtype, data, count: count)
      Issue.record("accepted \(data) as \(dtype)")
    } catch let e as CaseError {
      #expect(e.field == field && e.kind == .dtypeMismatch, "\(e)")
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func writerKeepsIntegersAndSpecials() throws {
    let text = #"{"data":[1,-0.0,0.5,"inf",12345678901234567890]}"#
    #expect(JSONWriter.write(try JSONParser.parse(text)) == text)
  }

  /// The streamed result line is exactly the JSON tree's text.
  @Test func resultLinesMatchTheTreeWriter() throws {
    let results: [CaseResult] = [
      CaseResult(
        id: "a\"b",
        outcome: .value(
          output: .float32(
            try Tensor(shape: [3], scalars: [0.1, .nan, -.infinity])),
          grads: [
            "target": .float64(
              try Tensor(shape: [1, 2], scalars: [1e-300, -0.0])),
            "input": .float64(Tensor(2.5)),
          ])),
      CaseResult(
        id: "", outcome: .value(output: .int64(Tensor(7)), grads: [:])),
      CaseResult(
        id: "e", outcome: .error(kind: .loss(.shapeMismatch), message: "x\n")),
    ]
    for r in results {
      #expect(EvalLoop.resultLine(r) == JSONWriter.write(r.json))
    }
  }

  enum Failure: Error { case wrongDtype }
}
