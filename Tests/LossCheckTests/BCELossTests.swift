import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct BCELossTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 4], in: 0.05...0.95, using: &rng)
    let t = Tensor<Double>.random([3, 4], in: 0.05...0.95, using: &rng)
    let w = Tensor<Double>.random([1, 4], in: 0.5...2, using: &rng)
    checkLoss(
      CheckedLoss(
        "BCELoss", inputs: [.input: x, .target: t], outputShape: [3, 4],
        meanDenominator: 12
      ) { p throws(LossError) in
        try BCELoss(weight: w, reduction: p.reduction).valueWithGradient(
          p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func boundsHitBothClamps() throws {
    let x = try Tensor<Double>(shape: [4], scalars: [0, 1, 0, 1])
    let t = try Tensor<Double>(shape: [4], scalars: [1, 0, 0, 1])
    let v = try BCELoss(reduction: .none).valueWithGradient(x, t)
    // log clamped at −100 where t disagrees; exactly 0 where it agrees.
    #expect(v.value.scalars == [100, 100, 0, 0])
    // The denominator x(1 − x) = 0 is clamped to PyTorch's float32 1e-12.
    let eps = Double(Float(1e-12))
    #expect(v.gradients[.input]?.scalars == [-1 / eps, 1 / eps, 0, 0])
    // The target's gradient is not clamped.
    #expect(
      v.gradients[.target]?.scalars == [
        .infinity, -.infinity, .infinity, -.infinity,
      ])
  }

  @Test func tinyInputsClampTheDenominatorNotTheLog() throws {
    // x = 2^-40: x(1 − x) < 1e-12, so the gradient is (x − t)/eps, while
    // log x = −27.7 is far from the −100 floor.
    let x = try Tensor<Double>(shape: [1], scalars: [0x1p-40])
    let t = try Tensor<Double>(shape: [1], scalars: [1])
    let v = try BCELoss(reduction: .sum).valueWithGradient(x, t)
    #expect(disagreement(v.value, Tensor(40 * 0.6931471805599453)) == nil)
    let want = (0x1p-40 - 1) / Double(Float(1e-12))
    #expect(
      disagreement(
        v.gradients[.input] ?? Tensor(0),
        try Tensor(shape: [1], scalars: [want])) == nil)
  }

  @Test func valuesOutsideTheUnitIntervalAreRefused() throws {
    let ok = try Tensor<Double>(shape: [2], scalars: [0.5, 0.25])
    for bad in [Double.nan, 1.5, -0.5, .infinity] {
      let b = try Tensor<Double>(shape: [2], scalars: [0.5, bad])
      expectRefusal(
        { () throws(LossError) in try BCELoss()(b, ok) },
        kind: .valueOutOfDomain, mentioning: ["input"])
      expectRefusal(
        { () throws(LossError) in try BCELoss()(ok, b) },
        kind: .valueOutOfDomain, mentioning: ["target"])
    }
  }

  @Test func shapesAreChecked() throws {
    let x = try Tensor<Double>(repeating: 0.5, shape: [3])
    let t13 = try Tensor<Double>(repeating: 0.5, shape: [1, 3])
    expectRefusal(
      { () throws(LossError) in try BCELoss()(x, t13) }, kind: .shapeMismatch)
    let enlarging = try Tensor<Double>(repeating: 1, shape: [2, 3])
    expectRefusal(
      { () throws(LossError) in try BCELoss(weight: enlarging)(x, x) },
      kind: .shapeMismatch, mentioning: ["weight"])
    let rowWeight = try Tensor<Double>(repeating: 2, shape: [1])
    let plain = try BCELoss(reduction: .sum)(x, x)
    let weighted = try BCELoss(weight: rowWeight, reduction: .sum)(x, x)
    expectClose(weighted, Tensor(2 * plain.scalars[0]))
  }

  @Test(arguments: [5, 6] as [UInt64])
  func permutingTheBatchPermutesNone(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([5, 3], in: 0.01...0.99, using: &rng)
    let t = Tensor<Double>.random([5, 3], in: 0...1, using: &rng)
    let w = Tensor<Double>.random([3], in: 0...2, using: &rng)
    let order = shuffledOrder(5, using: &rng)
    let loss = BCELoss(weight: w, reduction: .none)
    let a = try loss(x, t)
    let b = try loss(permutedRows(x, order), permutedRows(t, order))
    #expect(disagreement(b, permutedRows(a, order), rtol: 0, atol: 0) == nil)
  }
}
