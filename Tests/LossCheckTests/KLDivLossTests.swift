import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct KLDivLossTests {
  @Test(arguments: [false, true])
  func reductionsAgree(logTarget: Bool) {
    var rng = SeededRandom(seed: 2)
    let x = Tensor<Float>.random([4, 5], in: -3...0, using: &rng)
    let t = Tensor<Float>.random([4, 5], in: 0.05...1, using: &rng)
    let problems = reductionProblems(denominator: 20) { r throws(LossError) in
      try KLDivLoss(reduction: KLDivLoss.Reduction(rawValue: r.rawValue) ?? .none, logTarget: logTarget)(x, t)
    }
    #expect(problems.isEmpty, "\(problems)")
    let problems2 = reductionProblems(denominator: 4) { r throws(LossError) in
      try KLDivLoss(reduction: r == .mean ? .batchmean : KLDivLoss.Reduction(rawValue: r.rawValue) ?? .none,
        logTarget: logTarget)(x, t)
    }
    #expect(problems2.isEmpty, "batchmean: \(problems2)")
  }

  @Test(arguments: [KLDivLoss.Reduction.none, .mean, .sum, .batchmean])
  func logTargetOfLogQEqualsProbabilityTargetQ(reduction: KLDivLoss.Reduction) throws {
    var rng = SeededRandom(seed: 13)
    let x = Tensor<Double>.random([3, 4], in: -3...0, using: &rng)
    let q = Tensor<Double>.random([3, 4], in: 0.05...1, using: &rng)
    let logQ = try Tensor(shape: q.shape, scalars: q.scalars.map { log($0) })
    let g = reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
    let a = try KLDivLoss(reduction: reduction).valueWithGradient(x, q, gradOutput: g)
    let b = try KLDivLoss(reduction: reduction, logTarget: true).valueWithGradient(x, logQ, gradOutput: g)
    #expect(disagreement(a.value, b.value) == nil)
    #expect(disagreement(a.gradients.input ?? Tensor(0), b.gradients.input ?? Tensor(.nan)) == nil)
    // Chain rule: d/d(log q) = q · d/dq.
    let chained = try Tensor(
      shape: q.shape,
      scalars: zip(q.scalars, a.gradients.target?.scalars ?? []).map { $0 * $1 })
    #expect(disagreement(chained, b.gradients.target ?? Tensor(.nan)) == nil)
  }

  @Test(arguments: [false, true], [KLDivLoss.Reduction.none, .mean, .sum, .batchmean])
  func gradientsMatchFiniteDifferences(logTarget: Bool, reduction: KLDivLoss.Reduction) {
    var rng = SeededRandom(seed: 23)
    // Broadcast: input (2, 1, 3) against target (4, 3).
    let x = Tensor<Double>.random([2, 1, 3], in: -3...0, using: &rng)
    let t = Tensor<Double>.random([4, 3], in: logTarget ? -3...0 : 0.2...1, using: &rng)
    let g = reduction == .none ? Tensor<Double>.random([2, 4, 3], using: &rng) : nil
    let loss = KLDivLoss(reduction: reduction, logTarget: logTarget)
    let problems = finiteDifferenceProblems(inputs: ["input": x, "target": t], gradOutput: g) {
      v throws(LossError) in
      try loss.valueWithGradient(v["input"] ?? Tensor(0), v["target"] ?? Tensor(0), gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func zerosInTheTargetContributeZero() throws {
    let x = try Tensor<Double>(shape: [4], scalars: [-1, -2, -0.5, -3])
    let t = try Tensor<Double>(shape: [4], scalars: [0, 0.5, 0, 0.5])
    let v = try KLDivLoss(reduction: .none).valueWithGradient(x, t)
    #expect(v.value.scalars[0] == 0 && v.value.scalars[2] == 0)
    #expect(v.gradients.input?.scalars.map { $0 == 0 } == [true, false, true, false])
    // PyTorch's xlogy backward: t/t is NaN at t = 0.
    #expect(v.gradients.target?.scalars[0].isNaN == true)
    #expect(abs((v.gradients.target?.scalars[1] ?? .nan) - (log(0.5) + 1 + 2)) < 1e-15)
  }

  @Test func batchmeanDividesByInputSizeZeroAndZeroDIsTheSum() throws {
    var rng = SeededRandom(seed: 4)
    let x = Tensor<Double>.random([1, 3], in: -2...0, using: &rng)
    let t = Tensor<Double>.random([5, 3], in: 0.1...1, using: &rng)
    let sum = try KLDivLoss(reduction: .sum)(x, t)
    #expect(try KLDivLoss(reduction: .batchmean)(x, t) == sum)
    let x0 = Tensor<Double>(-0.5)
    let t0 = Tensor<Double>(0.25)
    #expect(try KLDivLoss(reduction: .batchmean)(x0, t0) == KLDivLoss(reduction: .sum)(x0, t0))
  }

  @Test func permutingTheBatchPermutesNoneOutputs() throws {
    var rng = SeededRandom(seed: 6)
    let x = Tensor<Double>.random([4, 2], in: -3...0, using: &rng)
    let t = Tensor<Double>.random([4, 2], in: 0.1...1, using: &rng)
    let perm = [2, 0, 3, 1]
    let a = try KLDivLoss(reduction: .none)(x, t)
    let b = try KLDivLoss(reduction: .none)(ClassTests.rows(x, perm), ClassTests.rows(t, perm))
    #expect(b.scalars == perm.flatMap { [a.scalars[2 * $0], a.scalars[2 * $0 + 1]] })
  }

  @Test func reductionParsing() throws {
    #expect(try KLDivLoss.Reduction(parsing: "batchmean") == .batchmean)
    #expect(try KLDivLoss.Reduction(parsing: "elementwise_mean") == .mean)
    #expect(try KLDivLoss.Reduction(parsing: "batchmean", sizeAverage: false) == .sum)
    do {
      _ = try KLDivLoss.Reduction(parsing: "foo")
      Issue.record("reduction foo was accepted")
    } catch {
      #expect(error.kind == .invalidOption && error.message.contains("foo"))
    }
  }
}
