import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct MarginRankingLossTests {
  static func signs(_ shape: [Int], using rng: inout SeededRandom) -> Tensor<Double> {
    let n = shape.reduce(1, *)
    let s = (0..<n).map { _ in Bool.random(using: &rng) ? 1.0 : -1.0 }
    return (try? Tensor(shape: shape, scalars: s)) ?? Tensor(0)
  }

  @Test(arguments: [0.0, 0.5, 1.0])
  func swappingInputsAndNegatingTargetChangesNothing(margin: Double) throws {
    var rng = SeededRandom(seed: 21)
    let x1 = Tensor<Double>.random([4, 5], using: &rng)
    let x2 = Tensor<Double>.random([4, 5], using: &rng)
    let y = Tensor<Double>.random([4, 5], using: &rng)
    let negY = try Tensor(shape: y.shape, scalars: y.scalars.map { -$0 })
    let g = Tensor<Double>.random([4, 5], using: &rng)
    let loss = MarginRankingLoss(margin: margin, reduction: .none)
    let a = try loss.valueWithGradient(x1, x2, y, gradOutput: g)
    let b = try loss.valueWithGradient(x2, x1, negY, gradOutput: g)
    #expect(disagreement(a.value, b.value) == nil)
    #expect(disagreement(a.gradients.input1 ?? Tensor(0), b.gradients.input2 ?? Tensor(1)) == nil)
    #expect(disagreement(a.gradients.input2 ?? Tensor(0), b.gradients.input1 ?? Tensor(1)) == nil)
    // d/dy of the swapped problem is d/d(−y): the negation.
    let negGy = try Tensor(shape: [4, 5], scalars: (b.gradients.target?.scalars ?? []).map { -$0 })
    #expect(disagreement(a.gradients.target ?? Tensor(0), negGy) == nil)
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func reductionsAgree(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x1 = Tensor<Float>.random([3, 1], using: &rng)
    let x2 = Tensor<Float>.random([1, 4], using: &rng)
    let y = Tensor<Float>.random([3, 4], using: &rng)
    let problems = reductionProblems(denominator: 12) { r throws(LossError) in
      try MarginRankingLoss(margin: 0.5, reduction: r)(x1, x2, y)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func gradientsMatchFiniteDifferences(reduction: Reduction) {
    var rng = SeededRandom(seed: 5)
    let inputs = [
      "input1": Tensor<Double>.random([3, 4], using: &rng),
      "input2": Tensor<Double>.random([1, 4], using: &rng),
      "target": Tensor<Double>.random([3, 1], using: &rng),
    ]
    let g = reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
    let problems = finiteDifferenceProblems(inputs: inputs, gradOutput: g) {
      v throws(LossError) in
      try MarginRankingLoss(margin: 0.25, reduction: reduction).valueWithGradient(
        v["input1"] ?? Tensor(0), v["input2"] ?? Tensor(0), v["target"] ?? Tensor(0),
        gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func kinksGetZeroGradient() throws {
    // margin 0: ties x1 == x2; margin 0.5: −y(x1 − x2) == −0.5 exactly.
    for (margin, x1, x2, y) in [
      (0.0, [1.5, -0.25], [1.5, -0.25], [1.0, -1.0]),
      (0.5, [1.0, 0.25], [0.5, 0.75], [1.0, -1.0]),
    ] {
      let v = try MarginRankingLoss(margin: margin, reduction: .sum).valueWithGradient(
        Tensor(shape: [2], scalars: x1), Tensor(shape: [2], scalars: x2),
        Tensor(shape: [2], scalars: y))
      #expect(v.value.scalars == [0])
      #expect(v.gradients.input1?.scalars == [0, 0])
      #expect(v.gradients.input2?.scalars == [0, 0])
      #expect(v.gradients.target?.scalars == [0, 0])
    }
  }

  @Test func ranksMustAgreeBeforeBroadcasting() throws {
    let a = try Tensor<Double>(repeating: 1, shape: [3])
    let b = try Tensor<Double>(repeating: 1, shape: [1, 3])
    do {
      _ = try MarginRankingLoss()(a, b, a)
      Issue.record("a rank mismatch was accepted")
    } catch {
      #expect(error.kind == .shapeMismatch)
      #expect(error.message.contains("[1, 3]"))
    }
    // Same rank: broadcasting applies.
    let c = try Tensor<Double>(repeating: 1, shape: [1])
    #expect(try MarginRankingLoss(reduction: .none)(a, c, a).shape == [3])
  }

  @Test func valueMatchesDefinition() throws {
    var rng = SeededRandom(seed: 9)
    let x1 = Tensor<Double>.random([10], using: &rng)
    let x2 = Tensor<Double>.random([10], using: &rng)
    let y = Self.signs([10], using: &rng)
    let out = try MarginRankingLoss(margin: 0.3, reduction: .none)(x1, x2, y)
    for i in 0..<10 {
      let want = Swift.max(0, 0.3 - y.scalars[i] * x1.scalars[i] + y.scalars[i] * x2.scalars[i])
      #expect(abs(out.scalars[i] - want) <= 1e-15)
    }
  }
}
