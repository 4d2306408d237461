import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct MSELossTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 4], using: &rng)
    let t = Tensor<Double>.random([3, 4], using: &rng)
    checkLoss(
      CheckedLoss(
        "MSELoss", inputs: [.input: x, .target: t], outputShape: [3, 4],
        meanDenominator: 12
      ) { p throws(LossError) in
        try MSELoss(reduction: p.reduction).valueWithGradient(
          p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func valuesAreSquaredDifferences() throws {
    let x = try Tensor<Double>(shape: [4], scalars: [1.5, -2, 0.25, 3])
    let t = try Tensor<Double>(shape: [4], scalars: [0.5, 1, 0.25, -1])
    let out = try MSELoss(reduction: .none)(x, t)
    #expect(out.scalars == [1, 9, 0, 16])
  }

  @Test func broadcastingMatchesExpandedInputs() throws {
    var rng = SeededRandom(seed: 23)
    let x = Tensor<Double>.random([3, 1], using: &rng)
    let t = Tensor<Double>.random([2, 1, 4], using: &rng)
    let shape = [2, 3, 4]
    let v = try MSELoss(reduction: .sum).valueWithGradient(x, t)
    let e = try MSELoss(reduction: .sum).valueWithGradient(
      RegressionFixtures.expanded(x, to: shape),
      RegressionFixtures.expanded(t, to: shape))
    #expect(disagreement(v.value, e.value) == nil)
    let gx = RegressionFixtures.summed(
      e.gradients[.input] ?? Tensor(.nan), from: shape, to: [3, 1])
    let gt = RegressionFixtures.summed(
      e.gradients[.target] ?? Tensor(.nan), from: shape, to: [2, 1, 4])
    #expect(disagreement(v.gradients[.input] ?? Tensor(.nan), gx) == nil)
    #expect(disagreement(v.gradients[.target] ?? Tensor(.nan), gt) == nil)
  }

  @Test func incompatibleShapesAreRefused() throws {
    let x = try Tensor<Float>(repeating: 1, shape: [2, 3])
    let t = try Tensor<Float>(repeating: 1, shape: [4])
    #expect(
      throws: LossError(
        .shapeMismatch,
        "input [2, 3] and target [4] cannot be broadcast together")
    ) {
      try MSELoss()(x, t)
    }
  }
}
