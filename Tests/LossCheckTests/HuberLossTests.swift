import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct HuberLossTests {
  @Test(arguments: [(1, 0.5), (2, 1.0), (3, 2.0)] as [(UInt64, Double)])
  func sharedChecksAwayFromKinks(seed: UInt64, delta: Double) {
    let (x, t) = RegressionFixtures.awayFromKinks(
      [4, 5], kinks: [0, delta], seed: seed)
    checkLoss(
      CheckedLoss(
        "HuberLoss", inputs: [.input: x, .target: t], outputShape: [4, 5],
        meanDenominator: 20
      ) { p throws(LossError) in
        try HuberLoss(reduction: p.reduction, delta: delta).valueWithGradient(
          p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func valuesFollowThePiecewiseDefinition() throws {
    // z = 0.5 (quadratic), 1 (the kink), 3 (linear), with delta = 1:
    // 0.125, 0.5, 2.5 (by hand).
    let x = try Tensor<Double>(shape: [3], scalars: [0.5, 2, -1])
    let t = try Tensor<Double>(shape: [3], scalars: [0, 1, 2])
    #expect(try HuberLoss(reduction: .none)(x, t).scalars == [0.125, 0.5, 2.5])
  }

  @Test func gradientAtKinksIsPyTorchs() throws {
    // |d| == delta takes the linear branch: +-delta; a tie gives 0; a NaN
    // difference gives NaN.
    let x = try Tensor<Double>(
      shape: [5], scalars: [1.75, -0.5, 2, .nan, 0.25])
    let t = try Tensor<Double>(shape: [5], scalars: [0.5, 0.75, 2, 0, 0])
    let v = try HuberLoss(reduction: .sum, delta: 1.25).valueWithGradient(x, t)
    let gx = v.gradients[.input]?.scalars ?? []
    #expect(sameScalars(gx, [1.25, -1.25, 0, .nan, 0.25]))
    #expect(sameScalars(v.gradients[.target]?.scalars ?? [], gx.map { -$0 }))
  }

  @Test(arguments: [0.0, -1.0, Double.nan])
  func nonPositiveDeltaIsRefused(delta: Double) throws {
    let x = try Tensor<Double>(repeating: 1, shape: [2])
    expectRefusal(
      { () throws(LossError) in try HuberLoss(delta: delta)(x, x) },
      kind: .invalidOption, mentioning: ["delta", "\(delta)"])
  }

  @Test func broadcastingMatchesExpandedInputs() throws {
    var rng = SeededRandom(seed: 37)
    let x = Tensor<Double>.random([4], using: &rng)
    let t = Tensor<Double>.random([3, 1], using: &rng)
    let g = Tensor<Double>.random([3, 4], using: &rng)
    let loss = HuberLoss(reduction: .none, delta: 0.5)
    let v = try loss.valueWithGradient(x, t, gradOutput: g)
    let e = try loss.valueWithGradient(
      RegressionFixtures.expanded(x, to: [3, 4]),
      RegressionFixtures.expanded(t, to: [3, 4]),
      gradOutput: g)
    #expect(disagreement(v.value, e.value) == nil)
    let gx = RegressionFixtures.summed(
      e.gradients[.input] ?? Tensor(.nan), from: [3, 4], to: [4])
    #expect(disagreement(v.gradients[.input] ?? Tensor(.nan), gx) == nil)
  }
}
