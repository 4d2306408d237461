import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct PoissonNLLLossTests {
  @Test(arguments: [(true, false), (false, true)])
  func reductionsAgree(logInput: Bool, full: Bool) {
    var rng = SeededRandom(seed: 53)
    let x = Tensor<Float>.random([4, 5], in: 0.1...3, using: &rng)
    let t = Tensor<Float>.random([4, 5], in: 0...4, using: &rng)
    let problems = reductionProblems(denominator: 20) { r throws(LossError) in
      try PoissonNLLLoss(reduction: r, logInput: logInput, full: full)(x, t)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [
    (Reduction.none, true, false), (.mean, true, true), (.sum, false, false), (.none, false, true),
  ])
  func gradientsMatchFiniteDifferences(reduction: Reduction, logInput: Bool, full: Bool) {
    var rng = SeededRandom(seed: 59)
    let x = Tensor<Double>.random([3, 4], in: logInput ? -2...2 : 0.2...3, using: &rng)
    var t = Tensor<Double>.random([3, 4], in: 0.1...5, using: &rng)
    // Keep targets off the Stirling mask's edge (t == 1), where the value jumps.
    for i in 0..<t.count where abs(t.scalars[i] - 1) < 0.05 { t[flat: i] += 0.2 }
    let g = reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
    let loss = PoissonNLLLoss(reduction: reduction, logInput: logInput, full: full, eps: 0.01)
    let problems = finiteDifferenceProblems(inputs: ["input": x, "target": t], gradOutput: g) {
      v throws(LossError) in
      try loss.valueWithGradient(v["input"] ?? Tensor(0), v["target"] ?? Tensor(0), gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func stirlingTermAgreesWithLogFactorial() throws {
    // For integer t > 1, the full loss minus the plain one is Stirling's
    // approximation of log t! = Σ log k, which it undershoots by less than 1/(12t).
    let ts: [Double] = [2, 3, 5, 10, 40]
    let t = try Tensor<Double>(shape: [5], scalars: ts)
    let x = try Tensor<Double>(repeating: 0.3, shape: [5])
    let fullLoss = try PoissonNLLLoss(reduction: .none, full: true)(x, t)
    let plain = try PoissonNLLLoss(reduction: .none, full: false)(x, t)
    for i in 0..<5 {
      let stirling = fullLoss.scalars[i] - plain.scalars[i]
      let exact = stride(from: 2.0, through: ts[i], by: 1).reduce(0.0) { $0 + log($1) }
      #expect(stirling < exact && exact - stirling < 1 / (12 * ts[i]), "t = \(ts[i])")
    }
  }

  @Test func stirlingMaskAndTargetGradientAreAsPyTorch() throws {
    // Targets -1, 0, 0.5, 1, 2 with x = 0.5 (log_input): the term is 0 for
    // t <= 1; the target gradient is -x there, except NaN at t <= 0; for
    // t = 2 it is -x + log 2 + 1/4.
    let t = try Tensor<Double>(shape: [5], scalars: [-1, 0, 0.5, 1, 2])
    let x = try Tensor<Double>(repeating: 0.5, shape: [5])
    let fullLoss = try PoissonNLLLoss(reduction: .none, full: true).valueWithGradient(x, t)
    let plain = try PoissonNLLLoss(reduction: .none, full: false).valueWithGradient(x, t)
    #expect(Array(fullLoss.value.scalars[0..<4]) == Array(plain.value.scalars[0..<4]))
    let gt = fullLoss.gradients.target?.scalars ?? []
    #expect(gt[0].isNaN && gt[1].isNaN)
    #expect(gt[2] == -0.5 && gt[3] == -0.5)
    #expect(abs(gt[4] - (-0.5 + log(2.0) + 0.25)) < 1e-15)
    // No x gradient from the Stirling term.
    #expect(fullLoss.gradients.input?.scalars == plain.gradients.input?.scalars)
  }

  @Test func logInputOffAtZeroInputUsesEps() throws {
    let x = try Tensor<Double>(shape: [2], scalars: [0, 0])
    let t = try Tensor<Double>(shape: [2], scalars: [0, 2])
    let v = try PoissonNLLLoss(reduction: .none, logInput: false, eps: 0.25).valueWithGradient(x, t)
    // 0 - t log(0.25); d/dx = 1 - t / 0.25; d/dt = -log 0.25.
    #expect(v.value.scalars == [0, 2 * log(4.0)])
    #expect(v.gradients.input?.scalars == [1, -7])
    #expect(v.gradients.target?.scalars == [log(4.0), log(4.0)])
  }

  @Test func broadcastingMatchesExpandedInputs() throws {
    var rng = SeededRandom(seed: 61)
    let x = Tensor<Double>.random([2, 1], in: 0.1...2, using: &rng)
    let t = Tensor<Double>.random([3], in: 0...4, using: &rng)
    let loss = PoissonNLLLoss(reduction: .mean, logInput: false, full: true)
    let v = try loss.valueWithGradient(x, t)
    let e = try loss.valueWithGradient(
      RegressionFixtures.expanded(x, to: [2, 3]), RegressionFixtures.expanded(t, to: [2, 3]))
    #expect(disagreement(v.value, e.value) == nil)
    let gt = RegressionFixtures.summed(e.gradients.target ?? Tensor(.nan), from: [2, 3], to: [3])
    #expect(disagreement(v.gradients.target ?? Tensor(.nan), gt) == nil)
  }
}
