import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct MultiLabelSoftMarginLossTests {
  /// MultiLabelSoftMargin = the mean over classes of the weighted
  /// BCEWithLogits, value and gradients.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func equalsClassMeanOfWeightedBCEWithLogits(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let (n, c) = (4, 5)
    let x = Tensor<Double>.random([n, c], in: -6...6, using: &rng)
    let t = Tensor<Double>.random([n, c], in: 0...1, using: &rng)
    let w = Tensor<Double>.random([c], in: 0...2, using: &rng)
    let g = Tensor<Double>.random([n], using: &rng)
    let gPerElement = try Tensor(
      shape: [n, c],
      scalars: (0..<(n * c)).map { g.scalars[$0 / c] / Double(c) })
    let m = try MultiLabelSoftMarginLoss(weight: w, reduction: .none)
      .valueWithGradient(x, t, gradOutput: g)
    let b = try BCEWithLogitsLoss(weight: w, reduction: .none)
      .valueWithGradient(x, t, gradOutput: gPerElement)
    let classMean = try Tensor(
      shape: [n],
      scalars: (0..<n).map { i in
        (0..<c).reduce(0.0) { $0 + b.value.scalars[i * c + $1] } / Double(c)
      })
    #expect(disagreement(m.value, classMean, rtol: 1e-12, atol: 1e-14) == nil)
    #expect(
      disagreement(
        m.gradients[.input] ?? Tensor(0), b.gradients[.input] ?? Tensor(1),
        rtol: 1e-12, atol: 1e-15) == nil)
    #expect(
      disagreement(
        m.gradients[.target] ?? Tensor(0), b.gradients[.target] ?? Tensor(1),
        rtol: 1e-12, atol: 1e-15) == nil)
  }

  /// `mean` averages over samples: (N, C) gives N values.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([2, 3, 4], in: -4...4, using: &rng)
    let t = Tensor<Double>.random([3, 4], in: 0...1, using: &rng)  // broadcast
    let w = Tensor<Double>.random([4], in: 0...2, using: &rng)
    checkLoss(
      CheckedLoss(
        "MultiLabelSoftMarginLoss", inputs: [.input: x, .target: t],
        outputShape: [2, 3], meanDenominator: 6
      ) { p throws(LossError) in
        try MultiLabelSoftMarginLoss(weight: w, reduction: p.reduction)
          .valueWithGradient(
            p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func unbatchedInputGivesTheRowsValue() throws {
    var rng = SeededRandom(seed: 61)
    let x = Tensor<Double>.random([3, 4], using: &rng)
    let t = Tensor<Double>.random([3, 4], in: 0...1, using: &rng)
    let rows = try MultiLabelSoftMarginLoss(reduction: .none)(x, t)
    let row1 = try MultiLabelSoftMarginLoss(reduction: .none)(
      Tensor(shape: [4], scalars: Array(x.scalars[4..<8])),
      Tensor(shape: [4], scalars: Array(t.scalars[4..<8])))
    #expect(row1.shape == [])
    #expect(
      disagreement(row1, Tensor(rows.scalars[1]), rtol: 0, atol: 0) == nil)
  }

  @Test func zeroDimInputAndBadShapesAreRefused() throws {
    let x0 = Tensor<Double>(0.5)
    expectRefusal(
      { () throws(LossError) in try MultiLabelSoftMarginLoss()(x0, Tensor(1.0))
      },
      kind: .shapeMismatch, mentioning: ["input"])
    let x = try Tensor<Double>(repeating: 0, shape: [3, 4])
    let t = try Tensor<Double>(repeating: 0, shape: [3, 5])
    expectRefusal(
      { () throws(LossError) in try MultiLabelSoftMarginLoss()(x, t) },
      kind: .shapeMismatch)
    let w = try Tensor<Double>(repeating: 1, shape: [5])
    expectRefusal(
      { () throws(LossError) in try MultiLabelSoftMarginLoss(weight: w)(x, x) },
      kind: .shapeMismatch, mentioning: ["weight"])
  }

  @Test func noClassesGiveNaNPerSample() throws {
    let x = try Tensor<Double>(shape: [2, 0], scalars: [])
    let v = try MultiLabelSoftMarginLoss(reduction: .none)(x, x)
    #expect(v.shape == [2] && v.scalars.allSatisfy(\.isNaN))
  }

  @Test func permutingTheBatchPermutesNone() throws {
    var rng = SeededRandom(seed: 71)
    let x = Tensor<Double>.random([6, 3], in: -4...4, using: &rng)
    let t = Tensor<Double>.random([6, 3], in: 0...1, using: &rng)
    let w = Tensor<Double>.random([3], in: 0...2, using: &rng)
    let order = shuffledOrder(6, using: &rng)
    let loss = MultiLabelSoftMarginLoss(weight: w, reduction: .none)
    let a = try loss(x, t)
    let b = try loss(permutedRows(x, order), permutedRows(t, order))
    #expect(disagreement(b, permutedRows(a, order), rtol: 0, atol: 0) == nil)
  }
}
