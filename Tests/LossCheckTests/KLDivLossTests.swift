import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct KLDivLossTests {
  @Test(arguments: [false, true])
  func sharedChecks(logTarget: Bool) {
    var rng = SeededRandom(seed: 23)
    // Broadcast: input (2, 1, 3) against target (4, 3).
    let x = Tensor<Double>.random([2, 1, 3], in: -3...0, using: &rng)
    let t = Tensor<Double>.random(
      [4, 3], in: logTarget ? -3...0 : 0.2...1, using: &rng)
    checkLoss(
      CheckedLoss(
        "KLDivLoss", inputs: [.input: x, .target: t], outputShape: [2, 4, 3],
        meanDenominator: 24, takesBatchmean: true
      ) { p throws(LossError) in
        try KLDivLoss(reduction: p.reduction, logTarget: logTarget)
          .valueWithGradient(
            p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      })
  }

  @Test(arguments: [Reduction.none, .mean, .sum, .batchmean])
  func logTargetOfLogQEqualsProbabilityTargetQ(reduction: Reduction) throws {
    var rng = SeededRandom(seed: 13)
    let x = Tensor<Double>.random([3, 4], in: -3...0, using: &rng)
    let q = Tensor<Double>.random([3, 4], in: 0.05...1, using: &rng)
    let logQ = try Tensor(shape: q.shape, scalars: q.scalars.map { log($0) })
    let g =
      reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
    let a = try KLDivLoss(reduction: reduction).valueWithGradient(
      x, q, gradOutput: g)
    let b = try KLDivLoss(reduction: reduction, logTarget: true)
      .valueWithGradient(x, logQ, gradOutput: g)
    expectClose(a.value, b.value)
    expectClose(a.gradients[.input], b.gradients[.input])
    // Chain rule: d/d(log q) = q · d/dq.
    let chained = try Tensor(
      shape: q.shape,
      scalars: zip(q.scalars, a.gradients[.target]?.scalars ?? []).map {
        $0 * $1
      })
    expectClose(chained, b.gradients[.target])
  }

  @Test func zerosInTheTargetContributeZero() throws {
    let x = try Tensor<Double>(shape: [4], scalars: [-1, -2, -0.5, -3])
    let t = try Tensor<Double>(shape: [4], scalars: [0, 0.5, 0, 0.5])
    let v = try KLDivLoss(reduction: .none).valueWithGradient(x, t)
    #expect(v.value.scalars[0] == 0 && v.value.scalars[2] == 0)
    #expect(
      v.gradients[.input]?.scalars.map { $0 == 0 } == [
        true, false, true, false,
      ])
    // PyTorch's xlogy backward: t/t is NaN at t = 0.
    #expect(v.gradients[.target]?.scalars[0].isNaN == true)
    #expect(
      abs((v.gradients[.target]?.scalars[1] ?? .nan) - (log(0.5) + 1 + 2))
        < 1e-15)
  }

  @Test func batchmeanDividesByInputSizeZeroAndZeroDIsTheSum() throws {
    var rng = SeededRandom(seed: 4)
    let x = Tensor<Double>.random([1, 3], in: -2...0, using: &rng)
    let t = Tensor<Double>.random([5, 3], in: 0.1...1, using: &rng)
    let sum = try KLDivLoss(reduction: .sum)(x, t)
    #expect(try KLDivLoss(reduction: .batchmean)(x, t) == sum)
    let x0 = Tensor<Double>(-0.5)
    let t0 = Tensor<Double>(0.25)
    #expect(
      try KLDivLoss(reduction: .batchmean)(x0, t0)
        == KLDivLoss(reduction: .sum)(x0, t0))
  }

  @Test func permutingTheBatchPermutesNoneOutputs() throws {
    var rng = SeededRandom(seed: 6)
    let x = Tensor<Double>.random([4, 2], in: -3...0, using: &rng)
    let t = Tensor<Double>.random([4, 2], in: 0.1...1, using: &rng)
    let perm = [2, 0, 3, 1]
    let a = try KLDivLoss(reduction: .none)(x, t)
    let b = try KLDivLoss(reduction: .none)(
      ClassTests.rows(x, perm), ClassTests.rows(t, perm))
    #expect(
      b.scalars == perm.flatMap { [a.scalars[2 * $0], a.scalars[2 * $0 + 1]] })
  }

  @Test func reductionParsing() throws {
    #expect(try Reduction(parsing: "batchmean") == .batchmean)
    #expect(try Reduction(parsing: "elementwise_mean") == .mean)
    #expect(try Reduction(parsing: "batchmean", sizeAverage: false) == .sum)
    expectRefusal(
      { () throws(LossError) in try Reduction(parsing: "foo") },
      kind: .invalidOption, mentioning: ["reduction", "foo"])
  }

  @Test func batchmeanIsRefusedByEveryOtherLoss() throws {
    let x = try Tensor<Double>(repeating: 0.5, shape: [2, 3])
    expectRefusal(
      { () throws(LossError) in try MSELoss(reduction: .batchmean)(x, x) },
      kind: .invalidOption, mentioning: ["reduction", "batchmean", "MSELoss"])
  }
}
