import LossCheck
import LossCheckHarness
import Testing

@Suite struct CaseDecodingTests {
  func decode(_ text: String) throws -> Case {
    try Case(json: JSONParser.parse(text))
  }

  func caseError(_ text: String) -> CaseError? {
    do {
      _ = try decode(text)
      return nil
    } catch let e as CaseError {
      return e
    } catch {
      return nil
    }
  }

  static let base =
    #"{"id":"x","loss":"L1Loss","dtype":"float64","inputs":{"input":INPUT,"target":{"dtype":"float64","shape":[1],"data":[0]}}}"#

  func with(input: String) -> String {
    CaseDecodingTests.base.replacingOccurrences(of: "INPUT", with: input)
  }

  @Test func readsTensorsExactly() throws {
    let c = try decode(
      with(
        input: #"{"dtype":"float64","shape":[3],"data":[0.1,"-inf",3e-310]}"#))
    guard case .tensor(.float64(let t))? = c.inputs["input"] else {
      Issue.record("input is not float64")
      return
    }
    #expect(t.scalars[0] == 0.1)
    #expect(t.scalars[1] == -.infinity)
    #expect(t.scalars[2] == 3e-310)
  }

  @Test func float32ReadsTheFloat32Value() throws {
    let c = try decode(
      with(input: #"{"dtype":"float32","shape":[],"data":[0.1]}"#))
    guard case .tensor(.float32(let t))? = c.inputs["input"] else {
      Issue.record("input is not float32")
      return
    }
    #expect(t.scalars == [Float(0.1)])
  }

  @Test(arguments: [
    (
      #"{"dtype":"float64","shape":[2],"data":[1]}"#, "shape_mismatch",
      "inputs.input.data"
    ),
    (
      #"{"dtype":"float8","shape":[1],"data":[1]}"#, "dtype_mismatch",
      "inputs.input.dtype"
    ),
    (
      #"{"dtype":"int64","shape":[1],"data":[1.5]}"#, "dtype_mismatch",
      "inputs.input.data[0]"
    ),
    (
      #"{"dtype":"float64","shape":[1],"data":["NaN"]}"#, "dtype_mismatch",
      "inputs.input.data[0]"
    ),
    (
      #"{"dtype":"float64","shape":[-1],"data":[]}"#, "shape_mismatch",
      "inputs.input.shape"
    ),
    (
      #"{"dtype":"float64","shape":[1000000,1000000],"data":[]}"#,
      "shape_mismatch", "inputs.input.shape"
    ),
    (#"[1]"#, "dtype_mismatch", "inputs.input"),
  ])
  func refusesBadTensorsNamingTheField(
    _ input: String, _ kind: String, _ field: String
  ) {
    let e = caseError(with(input: input))
    #expect(e?.kind.rawValue == kind)
    #expect(e?.field == field)
  }

  @Test func int64AcceptsIntegralNumbersOnly() throws {
    let c = try decode(
      with(input: #"{"dtype":"int64","shape":[3],"data":[2,-7,4.0]}"#))
    #expect(
      c.inputs["input"]
        == .tensor(.int64(try Tensor(shape: [3], scalars: [2, -7, 4]))))
  }
}
