import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct HingeEmbeddingLossTests {
  /// The piecewise definition, one target value at a time.
  static func definition(_ x: Double, _ y: Double, margin: Double) -> Double {
    if y == 1 { return x }
    let hinge = margin - x > 0 ? margin - x : 0
    if y == -1 { return hinge }
    return hinge + x
  }

  @Test(arguments: [1.0, -1.0, 0.0, 2.0, -0.5])
  func equalsPiecewiseDefinitionPerTargetValue(target: Double) throws {
    var rng = SeededRandom(seed: 3)
    let x = Tensor<Double>.random([12], in: -1...3, using: &rng)
    let y = try Tensor<Double>(repeating: target, shape: [12])
    for margin in [0.5, 1.0, 2.0] {
      let out = try HingeEmbeddingLoss(margin: margin, reduction: .none)(x, y)
      for i in 0..<12 {
        let want = Self.definition(x.scalars[i], target, margin: margin)
        #expect(out.scalars[i] == want, "x \(x.scalars[i]) y \(target) margin \(margin)")
      }
    }
  }

  @Test(arguments: [1, 2] as [UInt64])
  func reductionsAgree(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([4, 5], in: -1...3, using: &rng)
    let y = try Tensor<Float>(
      shape: [5], scalars: [1, -1, 0, -1, 1])
    let problems = reductionProblems(denominator: 20) { r throws(LossError) in
      try HingeEmbeddingLoss(margin: 1.5, reduction: r)(x, y)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func gradientsMatchFiniteDifferences(reduction: Reduction) throws {
    var rng = SeededRandom(seed: 17)
    let x = Tensor<Double>.random([3, 4], in: -1...3, using: &rng)
    let y = try Tensor<Double>(shape: [1, 4], scalars: [1, -1, 0, -1])
    let g = reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
    let problems = finiteDifferenceProblems(inputs: ["input": x], gradOutput: g) {
      v throws(LossError) in
      try HingeEmbeddingLoss(margin: 1, reduction: reduction).valueWithGradient(
        v["input"] ?? Tensor(0), y, gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func kinkAtMarginGetsNoHingeGradient() throws {
    let x = try Tensor<Double>(shape: [3], scalars: [1.5, 1.5, 1.5])
    let y = try Tensor<Double>(shape: [3], scalars: [-1, 0, 1])
    let v = try HingeEmbeddingLoss(margin: 1.5, reduction: .sum).valueWithGradient(x, y)
    // Only the linear term (targets 0 and 1) has a slope at x == margin.
    #expect(v.gradients.input?.scalars == [0, 1, 1])
  }

  @Test func incompatibleShapesAreRefused() throws {
    let x = try Tensor<Double>(repeating: 1, shape: [3])
    let y = try Tensor<Double>(repeating: 1, shape: [4])
    #expect(throws: LossError.self) { try HingeEmbeddingLoss()(x, y) }
  }
}
