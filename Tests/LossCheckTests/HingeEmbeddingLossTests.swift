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
        #expect(
          out.scalars[i] == want,
          "x \(x.scalars[i]) y \(target) margin \(margin)")
      }
    }
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 4], in: -1...3, using: &rng)
    let y = try Tensor<Double>(shape: [1, 4], scalars: [1, -1, 0, -1])
    checkLoss(
      CheckedLoss(
        "HingeEmbeddingLoss", inputs: [.input: x, .target: y],
        differentiated: [.input], outputShape: [3, 4], meanDenominator: 12
      ) { p throws(LossError) in
        try HingeEmbeddingLoss(margin: 1, reduction: p.reduction)
          .valueWithGradient(
            p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func kinkAtMarginGetsNoHingeGradient() throws {
    let x = try Tensor<Double>(shape: [3], scalars: [1.5, 1.5, 1.5])
    let y = try Tensor<Double>(shape: [3], scalars: [-1, 0, 1])
    let v = try HingeEmbeddingLoss(margin: 1.5, reduction: .sum)
      .valueWithGradient(x, y)
    // Only the linear term (targets 0 and 1) has a slope at x == margin.
    #expect(v.gradients[.input]?.scalars == [0, 1, 1])
  }

  @Test func incompatibleShapesAreRefused() throws {
    let x = try Tensor<Double>(repeating: 1, shape: [3])
    let y = try Tensor<Double>(repeating: 1, shape: [4])
    expectRefusal(
      { () throws(LossError) in try HingeEmbeddingLoss()(x, y) },
      kind: .shapeMismatch, mentioning: ["[3]", "[4]"])
  }
}
