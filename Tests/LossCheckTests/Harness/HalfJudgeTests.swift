import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// The judge on half cases: element bounds and ULPs in the dtype; the
/// reference's one rounding of Float results.
@Suite struct HalfJudgeTests {
  func half(_ data: [Double], _ dtype: DType = .float16) throws -> AnyTensor {
    let t = try Tensor(
      shape: [data.count],
      scalars: data.map { HalfRounding.round($0, to: dtype) })
    return dtype == .float16 ? .float16(t) : .bfloat16(t)
  }

  func golden(_ out: [Double], _ dtype: DType = .float16) throws -> Case {
    let t = try half(out, dtype)
    return Case(
      id: "c", loss: "L1Loss", dtype: dtype, inputs: [:],
      expected: .value(output: t, grads: ["input": t]))
  }

  func result(_ out: [Double], _ grad: [Double]) throws -> CaseResult {
    CaseResult(
      id: "c",
      outcome: .value(output: try half(out), grads: ["input": try half(grad)]))
  }

  func bounds(_ out: [Double], _ grad: [Double]) throws -> Tolerance {
    Tolerance(
      rtol: 0, atol: 0,
      atolElements: ElementTolerances(
        output: try Tensor(shape: [out.count], scalars: out),
        grads: ["input": try Tensor(shape: [grad.count], scalars: grad)]))
  }

  @Test func eachElementUsesItsOwnBound() throws {
    let c = try golden([1, 1])
    let tol = try bounds([0.5, 0.001], [0, 0])
    // 1.25 is within 0.5 of 1; the second element's bound is 0.001.
    let ok = Judge.verdict(c, try result([1.25, 1], [1, 1]), tolerance: tol)
    #expect(ok.passed, "\(ok.problems)")
    let bad = Judge.verdict(c, try result([1, 1.25], [1, 1]), tolerance: tol)
    #expect(!bad.passed)
    #expect(bad.worst?.index == [1])
    // The scalar atol alone would have failed the first.
    let plain = Judge.verdict(
      c, try result([1.25, 1], [1, 1]), tolerance: Tolerance(rtol: 0, atol: 0))
    #expect(!plain.passed)
  }

  @Test func rtolAddsToTheElementBound() throws {
    let c = try golden([2])
    var tol = try bounds([0.25], [0])
    tol.rtol = 0.125  // allowed 0.25 + 0.25 = 0.5
    #expect(Judge.verdict(c, try result([2.5], [2]), tolerance: tol).passed)
    #expect(!Judge.verdict(c, try result([2.5625], [2]), tolerance: tol).passed)
  }

  @Test func anInfiniteBoundAcceptsAnythingButNaN() throws {
    let c = try golden([3])
    let tol = try bounds([.infinity], [0])
    #expect(
      Judge.verdict(c, try result([.infinity], [3]), tolerance: tol).passed)
    #expect(Judge.verdict(c, try result([-60000], [3]), tolerance: tol).passed)
    #expect(!Judge.verdict(c, try result([.nan], [3]), tolerance: tol).passed)
  }

  @Test func boundsOfTheWrongShapeOrMissingAreAMalformedGolden() throws {
    let c = try golden([1, 1])
    let short = try bounds([1], [1, 1])
    let v = Judge.verdict(c, try result([1, 1], [1, 1]), tolerance: short)
    #expect(!v.passed)
    #expect(
      v.problems.contains { $0.contains("output") && $0.contains("malformed") })
    let missing = Tolerance(
      rtol: 0, atol: 1, atolElements: ElementTolerances(output: nil))
    let w = Judge.verdict(c, try result([1, 1], [1, 1]), tolerance: missing)
    #expect(!w.passed)
    #expect(w.problems.contains { $0.contains("grads.input") })
  }

  @Test func ulpsAreCountedInTheCaseDtype() throws {
    let one = 1.0
    let next16 = Double(Float16(1).nextUp)
    #expect(Judge.ulpDistance(one, next16, .float16) == 1)
    #expect(Judge.ulpDistance(one, 1 + 0x1p-7, .bfloat16) == 1)
    // Across zero: the least subnormals either side are two steps apart.
    let q = Double(Float16.leastNonzeroMagnitude)
    #expect(Judge.ulpDistance(-q, q, .float16) == 2)
    let v = Judge.verdict(
      try golden([1]), try result([next16], [1]),
      tolerance: Tolerance(rtol: 0, atol: 0))
    #expect(v.worst?.ulps == 1)
  }

  @Test func atolElementsAreReadFromACase() throws {
    let line = #"""
      {"id":"x","loss":"L1Loss","dtype":"float16","options":{},
       "inputs":{"input":{"dtype":"float16","shape":[2],"data":[1,2]},
                 "target":{"dtype":"float16","shape":[2],"data":[0,0]}},
       "grad_wrt":["input"],
       "tolerance":{"rtol":0.0009765625,"atol":6e-08,"why":"w",
         "atol_elements":{"output":{"dtype":"float64","shape":[],"data":[0.01]},
           "grads":{"input":{"dtype":"float64","shape":[2],"data":[0,"inf"]}}}}}
      """#
    let c = try Case(json: try JSONParser.parse(line))
    let e = try #require(c.tolerance?.atolElements)
    #expect(e.output?.scalars == [0.01])
    #expect(e.bounds(for: "grads.input")?.scalars == [0, .infinity])
    let negative = line.replacingOccurrences(of: "[0.01]", with: "[-1]")
    #expect {
      try Case(json: try JSONParser.parse(negative))
    } throws: { e in
      (e as? CaseError)?.field == "tolerance.atol_elements.output.data[0]"
    }
  }

  /// The reference computes a half case in Float and rounds the result
  /// once to the case dtype: the output and gradient are the exact answer
  /// on the half inputs (computed here in Double) rounded once, and of the
  /// case's dtype.
  @Test func theReferenceRoundsFloatResultsOnceToTheDtype() throws {
    let spec = try #require(Fixtures.spec)
    for dtype in [DType.float16, .bfloat16] {
      let x = [0.1, 0.3, 1.7]
      let t = [0.3, 0.2, 0.0]
      let c = Case(
        id: "h", loss: "MSELoss", dtype: dtype,
        options: JSONObject([("reduction", .string("mean"))]),
        inputs: [
          "input": .tensor(try half(x, dtype)),
          "target": .tensor(try half(t, dtype)),
        ],
        gradWrt: ["input"])
      let r = ReferenceBackend(spec: spec).evaluate(c)
      guard case .value(let out, let grads) = r.outcome else {
        Issue.record("no value: \(r.outcome)")
        continue
      }
      #expect(out.dtype == dtype)
      #expect(grads["input"]?.dtype == dtype)
      // The exact answer on the half inputs, in Double, rounded once.
      let xs = try half(x, dtype).doubles
      let ts = try half(t, dtype).doubles
      let exact = zip(xs, ts).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 3
      #expect(out.doubles == [Double(HalfRounding.round(exact, to: dtype))])
      let g = zip(xs, ts).map {
        Double(HalfRounding.round(2 * ($0 - $1) / 3, to: dtype))
      }
      #expect(grads["input"]?.doubles == g)
    }
  }
}
