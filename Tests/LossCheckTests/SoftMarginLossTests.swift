import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct SoftMarginLossTests {
  /// log(1 + e^(−t x)) with t = ±1 is BCEWithLogits with target (t + 1)/2.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func equalsBCEWithLogitsOfShiftedTargets(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 5], in: -8...8, using: &rng)
    let signs = (0..<15).map { _ in Bool.random(using: &rng) ? 1.0 : -1.0 }
    let t = try Tensor(shape: [3, 5], scalars: signs)
    let y = try Tensor(shape: [3, 5], scalars: signs.map { ($0 + 1) / 2 })
    let g = Tensor<Double>.random([3, 5], using: &rng)
    let a = try SoftMarginLoss(reduction: .none).valueWithGradient(
      x, t, gradOutput: g)
    let b = try BCEWithLogitsLoss(reduction: .none).valueWithGradient(
      x, y, gradOutput: g, wrt: [.input])
    #expect(disagreement(a.value, b.value, rtol: 1e-12, atol: 1e-15) == nil)
    #expect(
      disagreement(
        a.gradients[.input] ?? Tensor(0), b.gradients[.input] ?? Tensor(1),
        rtol: 1e-12, atol: 1e-15) == nil)
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecks(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([2, 3, 4], in: -3...3, using: &rng)
    // Broadcast and real-valued.
    let t = Tensor<Double>.random([3, 1], in: -2...2, using: &rng)
    checkLoss(
      CheckedLoss(
        "SoftMarginLoss", inputs: [.input: x, .target: t],
        differentiated: [.input], outputShape: [2, 3, 4], meanDenominator: 24
      ) { p throws(LossError) in
        try SoftMarginLoss(reduction: p.reduction).valueWithGradient(
          p[.input], p[.target], gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  /// Not stabilised, like PyTorch: e^(−t x) overflows to +inf in the
  /// computing precision, and the gradient is inf/inf = NaN there.
  @Test func overflowsLikePyTorch() throws {
    let xd = try Tensor<Double>(shape: [2], scalars: [709, 710])
    let td = try Tensor<Double>(shape: [2], scalars: [-1, -1])
    let d = try SoftMarginLoss(reduction: .none).valueWithGradient(xd, td)
    #expect(
      abs(d.value.scalars[0] - 709) < 1e-9 && d.value.scalars[1] == .infinity)
    #expect(
      d.gradients[.input]?.scalars[0] == 1
        && d.gradients[.input]?.scalars[1].isNaN == true)
    let xf = try Tensor<Float>(shape: [2], scalars: [88, 89])
    let tf = try Tensor<Float>(shape: [2], scalars: [-1, -1])
    let f = try SoftMarginLoss(reduction: .none).valueWithGradient(xf, tf)
    #expect(
      abs(f.value.scalars[0] - 88) < 1e-4 && f.value.scalars[1] == .infinity)
    #expect(f.gradients[.input]?.scalars[1].isNaN == true)
  }

  @Test func targetGradientAndReverseBroadcastAreRefused() throws {
    let x = try Tensor<Double>(repeating: 0.5, shape: [3])
    let t = try Tensor<Double>(repeating: 1, shape: [3])
    expectRefusal(
      { () throws(LossError) in
        try SoftMarginLoss().valueWithGradient(x, t, wrt: [.input, .target])
      }, kind: .invalidOption, mentioning: ["target"])
    let wide = try Tensor<Double>(repeating: 1, shape: [2, 3])
    expectRefusal(
      { () throws(LossError) in try SoftMarginLoss()(x, wide) },
      kind: .shapeMismatch)
    #expect(
      refusal { () throws(LossError) in try SoftMarginLoss()(wide, x) } == nil)
  }

  @Test func permutingTheBatchPermutesNone() throws {
    var rng = SeededRandom(seed: 9)
    let x = Tensor<Double>.random([5, 2], in: -4...4, using: &rng)
    let t = Tensor<Double>.random([5, 2], in: -1...1, using: &rng)
    let order = shuffledOrder(5, using: &rng)
    let a = try SoftMarginLoss(reduction: .none)(x, t)
    let b = try SoftMarginLoss(reduction: .none)(
      permutedRows(x, order), permutedRows(t, order))
    #expect(disagreement(b, permutedRows(a, order), rtol: 0, atol: 0) == nil)
  }
}
