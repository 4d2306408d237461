import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct CosineEmbeddingLossTests {
  /// cos of row i written out, with PyTorch's float32 ε.
  static func cosine(
    _ x1: Tensor<Double>, _ x2: Tensor<Double>, row i: Int, d: Int
  ) -> Double {
    let eps = Double(Float(1e-12))
    var dot = 0.0
    var s1 = 0.0
    var s2 = 0.0
    for k in 0..<d {
      let (u, v) = (x1.scalars[i * d + k], x2.scalars[i * d + k])
      dot += u * v
      s1 += u * u
      s2 += v * v
    }
    return dot / ((s1 + eps) * (s2 + eps)).squareRoot()
  }

  @Test(arguments: [0.0, 0.5, -0.5])
  func equalsThePiecewiseDefinitionPerTarget(margin: Double) throws {
    var rng = SeededRandom(seed: 31)
    let x1 = Tensor<Double>.random([8, 3], using: &rng)
    let x2 = Tensor<Double>.random([8, 3], using: &rng)
    let targets: [Double] = [1, -1, 0, 2, 0.5, -1, 1, .nan]
    let t = try Tensor(shape: [8], scalars: targets)
    let out = try CosineEmbeddingLoss(margin: margin, reduction: .none)(
      x1, x2, t)
    for i in 0..<8 {
      let c = Self.cosine(x1, x2, row: i, d: 3)
      let want: Double
      switch targets[i] {
      case 1: want = 1 - c
      case -1: want = max(0, c - margin)
      default: want = 0
      }
      #expect(
        abs(out.scalars[i] - want) < 1e-14, "row \(i), target \(targets[i])")
    }
  }

  /// margin −1.5 keeps every t = −1 hinge open (cos ≥ −1), away from its
  /// kink; `mean` divides by the number of pairs.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x1 = Tensor<Double>.random([4, 3], using: &rng)
    let x2 = Tensor<Double>.random([4, 3], using: &rng)
    let t = try Tensor<Double>(shape: [4], scalars: [1, -1, 1, -1])
    checkLoss(
      CheckedLoss(
        "CosineEmbeddingLoss", inputs: [.input1: x1, .input2: x2, .target: t],
        differentiated: [.input1, .input2], outputShape: [4],
        meanDenominator: 4
      ) { p throws(LossError) in
        try CosineEmbeddingLoss(margin: -1.5, reduction: p.reduction)
          .valueWithGradient(
            p[.input1], p[.input2], p[.target], gradOutput: p.gradOutput,
            wrt: p.wrt)
      }, seed: seed)
  }

  /// (3, 1) against (3, 4): input1's norm is over its own single element.
  @Test func sharedChecksWhenBroadcasting() throws {
    var rng = SeededRandom(seed: 23)
    let x1 = Tensor<Double>.random([3, 1], in: 0.5...2, using: &rng)
    let x2 = Tensor<Double>.random([1, 4], using: &rng)
    let t = try Tensor<Double>(shape: [3], scalars: [1, -1, 1])
    checkLoss(
      CheckedLoss(
        "CosineEmbeddingLoss", inputs: [.input1: x1, .input2: x2, .target: t],
        differentiated: [.input1, .input2], outputShape: [3],
        meanDenominator: 3
      ) { p throws(LossError) in
        try CosineEmbeddingLoss(margin: -1.5, reduction: p.reduction)
          .valueWithGradient(
            p[.input1], p[.input2], p[.target], gradOutput: p.gradOutput,
            wrt: p.wrt)
      })
  }

  @Test func gradientIsZeroExactlyAtTheHinge() throws {
    // Orthogonal vectors: cos = 0 = margin, t = −1.
    let x1 = try Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0, 2])
    let x2 = try Tensor<Double>(shape: [2, 2], scalars: [0, 3, -1, 0])
    let t = try Tensor<Double>(shape: [2], scalars: [-1, -1])
    let v = try CosineEmbeddingLoss(reduction: .sum).valueWithGradient(
      x1, x2, t)
    #expect(v.value.scalars == [0])
    #expect(v.gradients[.input1]?.scalars == [0, 0, 0, 0])
    #expect(v.gradients[.input2]?.scalars == [0, 0, 0, 0])
    // With the margin just below, the hinge is open and the gradient is not 0.
    let open = try CosineEmbeddingLoss(margin: -0.125, reduction: .sum)
      .valueWithGradient(x1, x2, t)
    #expect(open.gradients[.input1]?.scalars.contains { $0 != 0 } == true)
  }

  @Test func zeroVectorsGiveFiniteValuesAndTheEpsilonGradient() throws {
    let x1 = try Tensor<Double>(shape: [1, 2], scalars: [0, 0])
    let x2 = try Tensor<Double>(shape: [1, 2], scalars: [3, 4])
    let eps = Double(Float(1e-12))
    for (t, sign) in [(1.0, -1.0), (-1.0, 1.0)] {
      let v = try CosineEmbeddingLoss(margin: -0.5, reduction: .sum)
        .valueWithGradient(x1, x2, try Tensor(shape: [1], scalars: [t]))
      #expect(v.value.scalars[0] == (t == 1 ? 1 : 0.5))
      // ∂cos/∂x1 at x1 = 0 is x2/√(ε(25 + ε)); x2 gets 0.
      let scale = 1 / (eps * (25 + eps)).squareRoot()
      let g1 = try #require(v.gradients[.input1])
      #expect(abs(g1.scalars[0] - sign * 3 * scale) < 1e-6 * scale)
      #expect(abs(g1.scalars[1] - sign * 4 * scale) < 1e-6 * scale)
      #expect(v.gradients[.input2]?.scalars == [0, 0])
    }
    let both = try CosineEmbeddingLoss()(
      x1, x1, try Tensor(shape: [1], scalars: [1.0]))
    #expect(both.scalars == [1])
  }

  @Test func refusals() throws {
    let three = try Tensor<Double>(repeating: 1, shape: [2, 3, 4])
    let t1 = try Tensor<Double>(repeating: 1, shape: [2])
    expectRefusal(
      { () throws(LossError) in try CosineEmbeddingLoss()(three, three, t1) },
      kind: .shapeMismatch, mentioning: ["[2, 3, 4]"])
    let x = try Tensor<Double>(repeating: 1, shape: [3, 4])
    let t2 = try Tensor<Double>(repeating: 1, shape: [3, 1])
    for t in [Tensor(1.0), t1, t2] {
      expectRefusal(
        { () throws(LossError) in try CosineEmbeddingLoss()(x, x, t) },
        kind: .shapeMismatch, mentioning: ["target"])
    }
  }
}
