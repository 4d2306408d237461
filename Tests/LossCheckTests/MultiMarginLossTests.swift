import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct MultiMarginLossTests {
  /// `mean` divides by the batch size, not by the weights.
  @Test(arguments: [(1, false), (1, true), (2, false), (2, true)])
  func sharedChecks(p: Int, weighted: Bool) {
    var rng = SeededRandom(seed: 31)
    let x = Tensor<Double>.random([4, 5], in: -1...1, using: &rng)
    let y = Tensor<Int64>.randomIndices([4], in: 0..<5, using: &rng)
    let w =
      weighted ? Tensor<Double>.random([5], in: 0.5...2, using: &rng) : nil
    checkLoss(
      CheckedLoss(
        "MultiMarginLoss", inputs: [.input: x], outputShape: [4],
        meanDenominator: 4
      ) { point throws(LossError) in
        try MultiMarginLoss(
          p: p, margin: 0.75, weight: w, reduction: point.reduction
        ).valueWithGradient(
          point[.input], y, gradOutput: point.gradOutput, wrt: point.wrt)
      })
  }

  @Test func valueMatchesDefinition() throws {
    let x = try Tensor<Double>(
      shape: [2, 3], scalars: [0.1, 0.5, -0.2, 0.3, 0.3, 0.9])
    let y = try Tensor<Int64>(shape: [2], scalars: [1, 0])
    let w = try Tensor<Double>(shape: [3], scalars: [2, 3, 0.5])
    for p in [1, 2] {
      let out = try MultiMarginLoss(
        p: p, margin: 0.5, weight: w, reduction: .none)(x, y)
      for i in 0..<2 {
        let t = Int(y.scalars[i])
        var want = 0.0
        for j in 0..<3 where j != t {
          let h = Swift.max(
            0, 0.5 - x.scalars[i * 3 + t] + x.scalars[i * 3 + j])
          want += w.scalars[t] * (p == 1 ? h : h * h)
        }
        expectClose(out.scalars[i], want / 3, rtol: 0, atol: 1e-15)
      }
    }
  }

  @Test(arguments: [1, 2] as [Int])
  func hingeExactlyZeroGetsZeroGradient(p: Int) throws {
    // z_1 = 1 − 1 + 1 = 1 − … : x = [1, 0, 0.5], y = 0, margin 1:
    // z_1 = 0 (the kink), z_2 = 0.5 (active).
    let x = try Tensor<Double>(shape: [1, 3], scalars: [1, 0, 0.5])
    let y = try Tensor<Int64>(shape: [1], scalars: [0])
    let v = try MultiMarginLoss(p: p, reduction: .sum).valueWithGradient(x, y)
    let slope = p == 1 ? 1.0 : 2 * 0.5
    #expect(v.gradients[.input]?.scalars == [-slope / 3, 0, slope / 3])
  }

  @Test func unbatchedInputWithZeroDimTargetGivesZeroDim() throws {
    var rng = SeededRandom(seed: 8)
    let x = Tensor<Double>.random([5], in: -1...1, using: &rng)
    let single = try MultiMarginLoss(reduction: .none)(x, Tensor(Int64(2)))
    #expect(single.shape == [])
    let batched = try MultiMarginLoss(reduction: .none)(
      x.reshaped([1, 5]), Tensor(shape: [1], scalars: [2]))
    #expect(batched.shape == [1])
    #expect(batched.scalars == single.scalars)
  }

  @Test func pOtherThanOneOrTwoIsRefused() throws {
    let x = try Tensor<Double>(repeating: 0, shape: [2, 3])
    let y = try Tensor<Int64>(shape: [2], scalars: [0, 1])
    for p in [0, 3] {
      expectRefusal(
        { () throws(LossError) in try MultiMarginLoss(p: p)(x, y) },
        kind: .invalidOption, mentioning: ["p", "\(p)"])
    }
  }

  @Test func emptyBatchIsLossChecksOwnAnswer() throws {
    let x = try Tensor<Double>(repeating: 0, shape: [0, 3])
    let y = try Tensor<Int64>(shape: [0], scalars: [])
    #expect(try MultiMarginLoss(reduction: .mean)(x, y).scalars[0].isNaN)
    #expect(try MultiMarginLoss(reduction: .sum)(x, y).scalars == [0])
    #expect(try MultiMarginLoss(reduction: .none)(x, y).shape == [0])
  }
}
