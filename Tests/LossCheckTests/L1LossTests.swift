import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct L1LossTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 4], using: &rng)
    let t = Tensor<Double>.random([3, 4], using: &rng)
    checkLoss(
      CheckedLoss(
        "L1Loss", inputs: [.input: x, .target: t], outputShape: [3, 4],
        meanDenominator: 12
      ) { p throws(LossError) in
        try L1Loss(reduction: p.reduction).valueWithGradient(
          p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func tiesGetZeroGradientAndNaNDifferencesToo() throws {
    let x = try Tensor<Double>(shape: [3], scalars: [1.5, .nan, 2])
    let t = try Tensor<Double>(shape: [3], scalars: [1.5, 0, 1])
    let v = try L1Loss(reduction: .sum).valueWithGradient(x, t)
    #expect(v.gradients[.input]?.scalars == [0, 0, 1])
    #expect(v.gradients[.target]?.scalars == [0, 0, -1])
  }

  @Test func broadcastingSumsGradientsBack() throws {
    var rng = SeededRandom(seed: 11)
    let x = Tensor<Double>.random([3, 1], using: &rng)
    let t = Tensor<Double>.random([1, 4], using: &rng)
    let v = try L1Loss(reduction: .sum).valueWithGradient(x, t)
    let xe = try Tensor(
      shape: [3, 4], scalars: (0..<12).map { x.scalars[$0 / 4] })
    let te = try Tensor(
      shape: [3, 4], scalars: (0..<12).map { t.scalars[$0 % 4] })
    let e = try L1Loss(reduction: .sum).valueWithGradient(xe, te)
    #expect(disagreement(v.value, e.value) == nil)
    let summed = (0..<3).map { i in
      (0..<4).reduce(0.0) {
        $0 + (e.gradients[.input]?.scalars[i * 4 + $1] ?? .nan)
      }
    }
    #expect(
      disagreement(
        v.gradients[.input] ?? Tensor(0),
        try Tensor(shape: [3, 1], scalars: summed)) == nil)
  }

  @Test func incompatibleShapesAreRefused() throws {
    let x = try Tensor<Double>(repeating: 1, shape: [3])
    let t = try Tensor<Double>(repeating: 1, shape: [4])
    expectRefusal(
      { () throws(LossError) in try L1Loss()(x, t) }, kind: .shapeMismatch,
      mentioning: ["[3]", "[4]"])
  }
}
