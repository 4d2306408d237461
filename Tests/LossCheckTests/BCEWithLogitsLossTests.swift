import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct BCEWithLogitsLossTests {
  /// BCEWithLogits(x) = BCE(σ(x)) where both are stable (|x| ≤ 6 keeps σ
  /// away from 0 and 1, so neither BCE clamp is active), value and
  /// gradients (chain rule through σ for the input).
  @Test(arguments: [1, 2, 3] as [UInt64])
  func equalsBCEOfSigmoid(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([4, 6], in: -6...6, using: &rng)
    let t = Tensor<Double>.random([4, 6], in: 0...1, using: &rng)
    let w = Tensor<Double>.random([6], in: 0...2, using: &rng)
    let g = Tensor<Double>.random([4, 6], using: &rng)
    let p = try Tensor(
      shape: x.shape, scalars: x.scalars.map { 1 / (1 + Foundation.exp(-$0)) })
    let logits = try BCEWithLogitsLoss(weight: w, reduction: .none)
      .valueWithGradient(x, t, gradOutput: g)
    let probs = try BCELoss(weight: w, reduction: .none).valueWithGradient(
      p, t, gradOutput: g)
    #expect(
      disagreement(logits.value, probs.value, rtol: 1e-9, atol: 1e-12) == nil)
    let chained = try Tensor(
      shape: x.shape,
      scalars: (0..<x.count).map { i in
        (probs.gradients[.input]?.scalars[i] ?? .nan) * p.scalars[i]
          * (1 - p.scalars[i])
      })
    #expect(
      disagreement(
        logits.gradients[.input] ?? Tensor(0), chained, rtol: 1e-8, atol: 1e-12)
        == nil)
    #expect(
      disagreement(
        logits.gradients[.target] ?? Tensor(0),
        probs.gradients[.target] ?? Tensor(0), rtol: 1e-8,
        atol: 1e-12) == nil)
  }

  /// Weighted `mean` is the sum over numel, not over Σw (PyTorch #54843).
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([2, 3, 4], in: -4...4, using: &rng)
    let t = Tensor<Double>.random([2, 3, 4], in: 0...1, using: &rng)
    let w = Tensor<Double>.random([3, 1], in: 0...2, using: &rng)
    let pw = Tensor<Double>.random([4], in: 0.25...3, using: &rng)
    checkLoss(
      CheckedLoss(
        "BCEWithLogitsLoss", inputs: [.input: x, .target: t],
        outputShape: [2, 3, 4], meanDenominator: 24
      ) { p throws(LossError) in
        try BCEWithLogitsLoss(weight: w, posWeight: pw, reduction: p.reduction)
          .valueWithGradient(
            p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  @Test func largeLogitsAreExactInBothPrecisions() throws {
    func check<T: LossScalar>(_: T.Type) throws {
      let x = try Tensor<T>(shape: [4], scalars: [1000, -1000, 100, -100])
      let t = try Tensor<T>(shape: [4], scalars: [0, 1, 1, 0])
      let v = try BCEWithLogitsLoss(reduction: .none).valueWithGradient(x, t)
      #expect(v.value.scalars[0] == 1000 && v.value.scalars[1] == 1000)
      #expect(v.value.scalars[2] >= 0 && v.value.scalars[2] < 1e-40)
      #expect(
        v.gradients[.input]?.scalars[0] == 1
          && v.gradients[.input]?.scalars[1] == -1)
      #expect(v.gradients[.target]?.scalars == [-1000, 1000, -100, 100])
    }
    try check(Float.self)
    try check(Double.self)
  }

  @Test func infiniteLogitsFollowPyTorch() throws {
    let x = try Tensor<Double>(
      shape: [4], scalars: [.infinity, .infinity, -.infinity, -.infinity])
    let t = try Tensor<Double>(shape: [4], scalars: [1, 0, 0, 1])
    let v = try BCEWithLogitsLoss(reduction: .none)(x, t)
    // +inf with t = 1 is 0·inf; −inf is inf − inf (or 0·−inf) for every t.
    #expect(
      v.scalars[0].isNaN && v.scalars[1] == .infinity && v.scalars[2].isNaN
        && v.scalars[3].isNaN)
  }

  /// pos_weight broadcasts against the last dimension (PyTorch #27936):
  /// (C) is refused for (N, C, L) unless C == L; (C, 1) is per class.
  @Test func posWeightAlignsWithTheLastDimension() throws {
    var rng = SeededRandom(seed: 31)
    let x = Tensor<Double>.random([2, 3, 5], using: &rng)
    let t = Tensor<Double>.random([2, 3, 5], in: 0...1, using: &rng)
    let perClass = Tensor<Double>.random([3], in: 0.5...3, using: &rng)
    expectRefusal(
      { () throws(LossError) in try BCEWithLogitsLoss(posWeight: perClass)(x, t)
      },
      kind: .shapeMismatch, mentioning: ["pos_weight"])
    let column = try perClass.reshaped([3, 1])
    let expanded = try Tensor(
      shape: [2, 3, 5], scalars: (0..<30).map { perClass.scalars[($0 / 5) % 3] }
    )
    let a = try BCEWithLogitsLoss(posWeight: column, reduction: .none)
      .valueWithGradient(x, t)
    let b = try BCEWithLogitsLoss(posWeight: expanded, reduction: .none)
      .valueWithGradient(x, t)
    expectClose(a.value, b.value, rtol: 0, atol: 0)
    expectClose(a.gradients[.input], b.gradients[.input])
    let enlarging = try Tensor<Double>(repeating: 1, shape: [1, 2, 3, 5])
    expectRefusal(
      { () throws(LossError) in try BCEWithLogitsLoss(weight: enlarging)(x, t)
      },
      kind: .shapeMismatch, mentioning: ["weight"])
  }

  @Test(arguments: [7, 8] as [UInt64])
  func permutingTheBatchPermutesNone(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([6, 4], in: -5...5, using: &rng)
    let t = Tensor<Float>.random([6, 4], in: 0...1, using: &rng)
    let pw = Tensor<Double>.random([4], in: 0.5...3, using: &rng)
    let order = shuffledOrder(6, using: &rng)
    let loss = BCEWithLogitsLoss(posWeight: pw, reduction: .none)
    let a = try loss(x, t)
    let b = try loss(permutedRows(x, order), permutedRows(t, order))
    #expect(disagreement(b, permutedRows(a, order), rtol: 0, atol: 0) == nil)
  }
}
