import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct MultiLabelMarginLossTests {
  static func targets(_ rows: [[Int64]]) throws(LossError) -> Tensor<Int64> {
    try Tensor(
      shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0 })
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func ignoresEverythingAfterTheFirstMinusOne(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 6], using: &rng)
    let a = try Self.targets([
      [2, 4, -1, 0, 0, 0], [-1, 1, 2, 3, 4, 5], [5, 0, 1, -1, 0, 0],
    ])
    let b = try Self.targets([
      [2, 4, -1, 5, -1, 3], [-1, 0, 0, -1, 5, 5], [5, 0, 1, -1, 2, 4],
    ])
    let g = Tensor<Double>.random([3], using: &rng)
    let loss = MultiLabelMarginLoss(reduction: .none)
    let va = try loss.valueWithGradient(x, a, gradOutput: g)
    let vb = try loss.valueWithGradient(x, b, gradOutput: g)
    #expect(va.value == vb.value)
    #expect(va.gradients[.input] == vb.gradients[.input])
    // And the prefix matters: dropping class 4 of row 0 changes its loss.
    let c = try Self.targets([
      [2, -1, 4, 0, 0, 0], [-1, 1, 2, 3, 4, 5], [5, 0, 1, -1, 0, 0],
    ])
    #expect(try loss(x, c).scalars[0] != va.value.scalars[0])
  }

  @Test func duplicatesCountTwice() throws {
    var rng = SeededRandom(seed: 4)
    let x = Tensor<Double>.random([5], using: &rng)
    let once = try MultiLabelMarginLoss(reduction: .sum)(
      x, Tensor(shape: [5], scalars: [3, -1, 0, 0, 0]))
    let twice = try MultiLabelMarginLoss(reduction: .sum)(
      x, Tensor(shape: [5], scalars: [3, 3, -1, 0, 0]))
    expectClose(twice.scalars[0], 2 * once.scalars[0], rtol: 0, atol: 1e-15)
    #expect(once.scalars[0] > 0)
  }

  @Test func valueMatchesPairDefinition() throws {
    let x = try Tensor<Double>(shape: [4], scalars: [0.1, 0.2, 0.4, 0.8])
    let y = try Tensor<Int64>(shape: [4], scalars: [3, 0, -1, 1])
    // targets {3, 0}, non-targets {1, 2}: Σ max(0, 1 − (x_j − x_k)) / 4.
    var want = 0.0
    for j in [3, 0] {
      for k in [1, 2] {
        want += Swift.max(0, 1 - (x.scalars[j] - x.scalars[k]))
      }
    }
    let out = try MultiLabelMarginLoss(reduction: .none)(x, y)
    #expect(out.shape == [])
    expectClose(out.scalars[0], want / 4, rtol: 0, atol: 1e-15)
  }

  /// `mean` divides by the number of samples.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 5], using: &rng)
    let y = try Self.targets([
      [0, 4, -1, 0, 0], [1, 1, 2, -1, 3], [3, -1, 0, 0, 0],
    ])
    checkLoss(
      CheckedLoss(
        "MultiLabelMarginLoss", inputs: [.input: x], outputShape: [3],
        meanDenominator: 3
      ) { p throws(LossError) in
        try MultiLabelMarginLoss(reduction: p.reduction).valueWithGradient(
          p[.input], y, gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func kinkGetsZeroGradient() throws {
    // x_0 − x_1 == 1 exactly: z == 0; the pair (0, 2) is active.
    let x = try Tensor<Double>(shape: [3], scalars: [1, 0, 0.5])
    let y = try Tensor<Int64>(shape: [3], scalars: [0, -1, 0])
    let v = try MultiLabelMarginLoss(reduction: .sum).valueWithGradient(x, y)
    #expect(v.gradients[.input]?.scalars == [-1.0 / 3, 0, 1.0 / 3])
  }

  @Test func targetsOutsideMinusOneToCAreRefused() throws {
    let x = try Tensor<Double>(repeating: 0, shape: [2, 3])
    for bad in [3, -2] as [Int64] {
      let y = try Self.targets([[0, -1, bad], [0, 1, 2]])
      expectRefusal(
        { () throws(LossError) in try MultiLabelMarginLoss()(x, y) },
        kind: .indexOutOfRange, mentioning: ["\(bad)"])
    }
  }
}
