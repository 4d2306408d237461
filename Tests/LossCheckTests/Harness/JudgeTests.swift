import LossCheck
import LossCheckHarness
import Testing

@Suite struct JudgeTests {
  let tol = Tolerance(rtol: 1e-6, atol: 0)

  func golden(_ data: [Double]) throws -> Case {
    let t = AnyTensor.float64(try Tensor(shape: [data.count], scalars: data))
    return Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .value(output: t, grads: ["input": t]))
  }

  func result(_ out: [Double], _ grad: [Double]) throws -> CaseResult {
    CaseResult(
      id: "c",
      outcome: .value(
        output: .float64(try Tensor(shape: [out.count], scalars: out)),
        grads: [
          "input": .float64(try Tensor(shape: [grad.count], scalars: grad))
        ]))
  }

  @Test func equalValuesPassIncludingNaNAndInfinities() throws {
    let d = [1.0, .nan, .infinity, -.infinity, 0]
    let v = Judge.verdict(try golden(d), try result(d, d), tolerance: tol)
    #expect(v.passed)
    #expect(v.worstRatio == 0)
  }

  @Test func reportsTheWorstElement() throws {
    let v = Judge.verdict(
      try golden([1, 2, 3]), try result([1, 2, 3], [1, 2.5, 3.0000001]),
      tolerance: tol)
    #expect(!v.passed)
    #expect(v.worst?.field == "grads.input")
    #expect(v.worst?.index == [1])
    #expect(v.worst?.expected == 2)
    #expect(v.worst?.actual == 2.5)
    #expect(v.worst?.absoluteError == 0.5)
    #expect(v.worst?.relativeError == 0.25)
    #expect(v.worst?.ulps == 1 << 50)
  }

  @Test func nanDoesNotMatchANumberNorInfinityTheOtherSign() throws {
    #expect(
      !Judge.verdict(
        try golden([.nan]), try result([0], [.nan]), tolerance: tol
      ).passed)
    #expect(
      !Judge.verdict(
        try golden([.infinity]), try result([-.infinity], [.infinity]),
        tolerance: tol
      )
      .passed)
  }

  @Test func shapesMustAgree() throws {
    let v = Judge.verdict(
      try golden([1, 2]), try result([1, 2, 3], [1, 2]), tolerance: tol)
    #expect(!v.passed)
  }

  @Test func errorsMustBeOfTheSameKind() throws {
    let c = Case(
      id: "c", loss: "L1Loss", dtype: .float64, inputs: [:],
      expected: .error(kind: .loss(.shapeMismatch), message: ""))
    let same = CaseResult(
      id: "c", outcome: .error(kind: .loss(.shapeMismatch), message: "m"))
    let other = CaseResult(
      id: "c", outcome: .error(kind: .loss(.invalidOption), message: "m"))
    #expect(Judge.verdict(c, same, tolerance: tol).passed)
    #expect(!Judge.verdict(c, other, tolerance: tol).passed)
    #expect(!Judge.verdict(c, try result([1], [1]), tolerance: tol).passed)
  }

  @Test func float32UlpsCountFloat32Steps() {
    let x = Double(Float(1))
    let y = Double(Float(1).nextUp.nextUp)
    #expect(Judge.ulpDistance(x, y, .float32) == 2)
    #expect(Judge.ulpDistance(-0.0, 0.0, .float64) == 0)
  }
}
