import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct GaussianNLLLossTests {
  @Test func valueIsTheGaussianNegativeLogLikelihood() throws {
    // -log N(t; x, v) = ½ log(2πv) + (x − t)²/(2v).
    let x = try Tensor<Double>(shape: [2], scalars: [1, -0.5])
    let t = try Tensor<Double>(shape: [2], scalars: [0, 1])
    let v = try Tensor<Double>(shape: [2], scalars: [0.5, 2])
    let out = try GaussianNLLLoss(reduction: .none, full: true)(x, t, v)
    for i in 0..<2 {
      let d = x.scalars[i] - t.scalars[i]
      let want =
        0.5 * log(2 * Double.pi * v.scalars[i]) + d * d / (2 * v.scalars[i])
      expectClose(out.scalars[i], want, rtol: 0, atol: 1e-14)
    }
  }

  @Test(
    arguments: [
      ([2, 3], [2, 3], false), ([2, 3], [2], true), ([2, 3], [2, 1], false),
      ([3, 4], [1, 4], true), ([2, 3, 4], [2, 1, 4], false),
    ] as [([Int], [Int], Bool)])
  func sharedChecks(inputShape: [Int], varShape: [Int], full: Bool) {
    var rng = SeededRandom(seed: 73)
    let x = Tensor<Double>.random(inputShape, using: &rng)
    let t = Tensor<Double>.random(inputShape, using: &rng)
    let v = Tensor<Double>.random(varShape, in: 0.2...2, using: &rng)
    checkLoss(
      CheckedLoss(
        "GaussianNLLLoss", inputs: [.input: x, .target: t, .variance: v],
        outputShape: inputShape,
        meanDenominator: Double(inputShape.reduce(1, *))
      ) { p throws(LossError) in
        try GaussianNLLLoss(reduction: p.reduction, full: full)
          .valueWithGradient(
            p[.input], p[.target], p[.variance], gradOutput: p.gradOutput,
            wrt: p.wrt)
      })
  }

  @Test func clampedVarGradientIsTakenAtEps() throws {
    // var below eps: the value is flat (as at var = eps), but the var
    // gradient is ½(1/eps − d²/eps²), not 0 — PyTorch clamps without grad.
    let eps = 0.25
    let x = try Tensor<Double>(shape: [3], scalars: [1, 0.5, -1])
    let t = try Tensor<Double>(shape: [3], scalars: [0.5, 0.5, 0])
    let low = try Tensor<Double>(shape: [3], scalars: [0.01, 0, 0.1])
    let atEps = try Tensor<Double>(repeating: eps, shape: [3])
    let loss = GaussianNLLLoss(reduction: .none, eps: eps)
    let a = try loss.valueWithGradient(x, t, low)
    let b = try loss.valueWithGradient(x, t, atEps)
    #expect(a.value.scalars == b.value.scalars)
    for i in 0..<3 {
      let d = x.scalars[i] - t.scalars[i]
      let want = 0.5 * (1 / eps - d * d / (eps * eps))
      expectClose(
        (a.gradients[.variance]?.scalars[i] ?? .nan), want, rtol: 0, atol: 1e-12
      )
      expectClose(
        (a.gradients[.input]?.scalars[i] ?? .nan), d / eps, rtol: 0, atol: 1e-14
      )
    }
  }

  @Test(
    arguments: [
      ([2, 3], [2, 3], true), ([2, 3], [2], true), ([2, 3], [2, 1], true),
      ([2, 3], [1, 3], true),
      ([2, 3], [3], false), ([2, 3], [1, 1], false), ([2, 3], [], false),
      ([2, 3], [6], false),
      ([2, 3], [2, 3, 1], false), ([2, 3], [3, 2], false), ([3], [], true),
      ([3], [1], true),
      ([3], [3, 1], false), ([], [], true), ([], [1], false),
      ([2, 3, 4], [2, 3], true),
      ([2, 3, 4], [1, 1, 4], false), ([2, 1], [1, 1], true),
    ] as [([Int], [Int], Bool)])
  func varShapeRulesAreTorchs(
    inputShape: [Int], varShape: [Int], accepted: Bool
  ) throws {
    let x = try Tensor<Double>(repeating: 0.5, shape: inputShape)
    let v = try Tensor<Double>(repeating: 1, shape: varShape)
    let call = { () throws(LossError) in
      try GaussianNLLLoss(reduction: .none)(x, x, v)
    }
    if accepted {
      #expect(try call().shape == inputShape)
    } else {
      expectRefusal(call, kind: .shapeMismatch, mentioning: ["var"])
    }
  }

  @Test func negativeVarIsRefusedBeforeTheShapeCheck() throws {
    let x = try Tensor<Double>(repeating: 0, shape: [2, 3])
    let v = try Tensor<Double>(shape: [4], scalars: [1, -0.5, 1, 1])
    expectRefusal(
      { () throws(LossError) in try GaussianNLLLoss()(x, x, v) },
      kind: .valueOutOfDomain, mentioning: ["var", "-0.5"])
    expectRefusal(
      { () throws(LossError) in try GaussianNLLLoss()(x, x, variance: -2) },
      kind: .valueOutOfDomain, mentioning: ["var"])
    // -0.0 is not negative.
    _ = try GaussianNLLLoss()(x, x, variance: -0.0)
  }

  @Test func numberVarIsAFilledTensorWithoutGradient() throws {
    var rng = SeededRandom(seed: 79)
    let x = Tensor<Float>.random([2, 3], using: &rng)
    let t = Tensor<Float>.random([3], using: &rng)
    let filled = try Tensor<Float>(repeating: 0.75, shape: [2, 3])
    let a = try GaussianNLLLoss(reduction: .sum).valueWithGradient(
      x, t, variance: 0.75)
    let b = try GaussianNLLLoss(reduction: .sum).valueWithGradient(x, t, filled)
    #expect(a.value.scalars == b.value.scalars)
    #expect(a.gradients[.input]?.scalars == b.gradients[.input]?.scalars)
    #expect(a.gradients[.variance] == nil)
    expectRefusal(
      { () throws(LossError) in
        try GaussianNLLLoss().valueWithGradient(
          x, t, variance: 0.75, wrt: [.input, .variance])
      }, kind: .invalidOption, mentioning: ["var"])
  }

  @Test func homoscedasticVarMatchesExpandedVar() throws {
    // var (N) for input (N, D): read as (N, 1); its gradient sums over D.
    var rng = SeededRandom(seed: 83)
    let x = Tensor<Double>.random([3, 4], using: &rng)
    let t = Tensor<Double>.random([4], using: &rng)
    let v = Tensor<Double>.random([3], in: 0.2...2, using: &rng)
    let g = Tensor<Double>.random([3, 4], using: &rng)
    let loss = GaussianNLLLoss(reduction: .none, full: true)
    let a = try loss.valueWithGradient(x, t, v, gradOutput: g)
    let vFull = RegressionFixtures.expanded(
      try v.reshaped([3, 1]), to: [3, 4])
    let b = try loss.valueWithGradient(
      x, RegressionFixtures.expanded(t, to: [3, 4]), vFull, gradOutput: g)
    #expect(disagreement(a.value, b.value) == nil)
    let gv = RegressionFixtures.summed(
      b.gradients[.variance] ?? Tensor(.nan), from: [3, 4], to: [3, 1])
    #expect(
      disagreement(a.gradients[.variance] ?? Tensor(.nan), try gv.reshaped([3]))
        == nil)
    let gt = RegressionFixtures.summed(
      b.gradients[.target] ?? Tensor(.nan), from: [3, 4], to: [4])
    #expect(disagreement(a.gradients[.target] ?? Tensor(.nan), gt) == nil)
    #expect(a.gradients[.variance]?.shape == [3])
  }

  @Test func nanVarPassesTheChecksAndGivesNaN() throws {
    let x = try Tensor<Double>(shape: [2], scalars: [1, 2])
    let v = try Tensor<Double>(shape: [2], scalars: [.nan, 1])
    let out = try GaussianNLLLoss(reduction: .none)(x, x, v)
    #expect(out.scalars[0].isNaN && out.scalars[1] == 0)
  }
}
