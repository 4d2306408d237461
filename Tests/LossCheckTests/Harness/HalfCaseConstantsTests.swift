import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

@testable import LossCheckHarness

/// Half cases hold PyTorch's constants in the case's dtype and overflow
/// where PyTorch's stored intermediates do: each check below is plain
/// arithmetic of the dtype (1e-12 and 1e-8 are below float16's smallest
/// subnormal 2^-24 ≈ 5.96e-8, so they round to 0; e^12 ≈ 162755 is past
/// float16's largest value 65504), and each has a bfloat16 or float32
/// counterpart where the same inputs stay finite.
@Suite struct HalfCaseConstantsTests {
  /// The reference's answer to one case line: the output and the input's
  /// gradient, as doubles.
  func answer(_ line: String) throws -> (output: [Double], grad: [Double]) {
    let spec = try #require(Fixtures.spec)
    let c = try Case(json: JSONParser.parse(line))
    let r = ReferenceBackend(spec: spec).evaluate(c)
    guard case .value(let output, let grads) = r.outcome else {
      Issue.record("expected a value, got \(r.json)")
      return ([], [])
    }
    return (output.doubles, grads.values.first?.doubles ?? [])
  }

  func line(
    _ loss: String, _ dtype: String,
    options: String = #"{"reduction":"none"}"#,
    _ inputs: [(String, [Double])], wrt: String = "input"
  ) -> String {
    CaseLines.line(
      id: "t", loss: loss, dtype: dtype,
      inputs.map { ($0.0, CaseLines.tensor(dtype, $0.1)) }, options: options,
      wrt: wrt)
  }

  @Test func theOverflowThresholdIsWhereRoundingGivesInfinity() throws {
    for dtype in [DType.float16, .bfloat16] {
      let inputs = [("input", [1.0]), ("target", [2.0])]
      let c = try Case(
        json: JSONParser.parse(line("L1Loss", dtype.rawValue, inputs)))
      let spec = try #require(Fixtures.spec?.losses["L1Loss"])
      let call = try LossCall(c, spec: spec)
      let threshold = try #require(call.halfOverflowThreshold)
      let round: (Double) -> Float = { HalfRounding.round($0, to: dtype) }
      #expect(round(threshold) == .infinity, "\(dtype)")
      #expect(round(threshold.nextDown).isFinite, "\(dtype)")
      #expect(call.constantInCaseDType(1e-300) == 0)
    }
  }

  @Test func softMarginOverflowsWhereFloat16StoresExp() throws {
    let inputs = [("input", [-12.0, -11.0]), ("target", [1.0, 1.0])]
    let half = try answer(line("SoftMarginLoss", "float16", inputs))
    #expect(half.output[0] == .infinity)  // e^12 > 65504
    #expect(half.grad[0].isNaN)  // inf / inf
    #expect(half.output[1].isFinite)  // e^11 ≈ 59874 < 65504
    let bf16 = try answer(line("SoftMarginLoss", "bfloat16", inputs))
    #expect(bf16.output.allSatisfy { $0.isFinite })
    #expect(abs(bf16.output[0] - 12) < 0.1)
  }

  @Test func bceGradientClampIsZeroInFloat16() throws {
    let inputs = [("input", [0.0, 1.0, 0.5]), ("target", [0.0, 1.0, 0.5])]
    let half = try answer(line("BCELoss", "float16", inputs))
    #expect(half.grad[0].isNaN && half.grad[1].isNaN)  // 0 / max(0, 0)
    #expect(half.grad[2] == 0)
    let bf16 = try answer(line("BCELoss", "bfloat16", inputs))
    #expect(bf16.grad == [0, 0, 0])  // 0 / 1e-12
  }

  @Test func cosineEpsilonIsZeroInFloat16() throws {
    let inputs = [
      ("input1", [0.0, 0.0]), ("input2", [1.0, 2.0]), ("target", [1.0]),
    ]
    let shaped = { (dtype: String) in
      line("CosineEmbeddingLoss", dtype, inputs, wrt: "input1")
        .replacingOccurrences(of: #""shape":[2]"#, with: #""shape":[1,2]"#)
    }
    #expect(try answer(shaped("float16")).output[0].isNaN)  // 0 / √(0 · 5)
    #expect(try answer(shaped("bfloat16")).output == [1])  // 1 − 0
  }

  @Test func poissonEpsIsZeroInFloat16() throws {
    let inputs = [("input", [0.0]), ("target", [1.0])]
    let options = #"{"reduction":"none","log_input":false,"eps":1e-08}"#
    let half = try answer(
      line("PoissonNLLLoss", "float16", options: options, inputs))
    #expect(half.output == [.infinity])  // 0 − 1 · log 0
    let bf16 = try answer(
      line("PoissonNLLLoss", "bfloat16", options: options, inputs))
    #expect(abs(bf16.output[0] + log(1e-8)) < 0.1)  // −log(1e-8) ≈ 18.42
  }
}

/// Every half answer of the reference is a value of its dtype: the output
/// and each gradient rounded once, whether the backend rounds them after
/// the Float computation or the loss rounds them as it writes (NLLLoss's
/// gradient).
@Suite struct HalfAnswersAreInTheirDType {
  @Test func everyHalfGoldenAnswerIsRounded() throws {
    let corpus = try #require(Fixtures.corpus)
    let backend = ReferenceBackend(spec: corpus.spec)
    var checked = 0
    for c in corpus.cases where c.dtype.isHalf {
      guard case .value(let output, let grads) = backend.evaluate(c).outcome
      else { continue }
      for (field, t) in [("output", output)] + grads.sorted(by: { $0.0 < $1.0 })
      {
        let x: Tensor<Float>
        let round: (Float) -> Float
        switch t {
        case .float16(let v): (x, round) = (v, { HalfRounding.float16($0) })
        case .bfloat16(let v): (x, round) = (v, { HalfRounding.bfloat16($0) })
        default:
          Issue.record("\(c.id) \(field): a \(t.dtype) answer")
          continue
        }
        let bad = x.scalars.first { !$0.isNaN && round($0) != $0 }
        #expect(bad == nil, "\(c.id) \(field): \(bad ?? 0) is not in its dtype")
        checked += 1
      }
    }
    #expect(checked > 3000)
  }
}
