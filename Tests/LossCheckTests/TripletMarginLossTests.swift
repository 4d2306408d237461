import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct TripletMarginLossTests {
  static func triple(_ shape: [Int], seed: UInt64) -> (
    Tensor<Double>, Tensor<Double>, Tensor<Double>
  ) {
    var rng = SeededRandom(seed: seed)
    return (
      Tensor<Double>.random(shape, using: &rng),
      Tensor<Double>.random(shape, using: &rng),
      Tensor<Double>.random(shape, using: &rng)
    )
  }

  /// margin 6 keeps every hinge open, away from its kink; `mean` divides
  /// by the number of triplets.
  @Test(arguments: [1.0, 1.5, 2.0, 3.0, 0.5, 4.0])
  func sharedChecks(p: Double) {
    for swap in [false, true] {
      let (a, pos, neg) = Self.triple([3, 4], seed: 5)
      checkLoss(
        CheckedLoss(
          "TripletMarginLoss",
          inputs: [.anchor: a, .positive: pos, .negative: neg],
          outputShape: [3], meanDenominator: 3
        ) { point throws(LossError) in
          try TripletMarginLoss(
            margin: 6, p: p, swap: swap, reduction: point.reduction
          ).valueWithGradient(
            point[.anchor], point[.positive], point[.negative],
            gradOutput: point.gradOutput, wrt: point.wrt)
        })
    }
  }

  /// d_neg = min(d(a, n), d(p, n)) ≤ d(a, n), so the swap can only open the
  /// hinge further: the loss with swap is never lower (the issue's "never
  /// raises" has the inequality the wrong way round).
  @Test(arguments: [4, 5, 6] as [UInt64])
  func swapNeverLowersTheLoss(seed: UInt64) throws {
    let (a, p, n) = Self.triple([8, 3], seed: seed)
    for pp in [1.0, 2.0, 3.0] {
      let plain = try TripletMarginLoss(margin: 3, p: pp, reduction: .none)(
        a, p, n)
      let swapped = try TripletMarginLoss(
        margin: 3, p: pp, swap: true, reduction: .none)(a, p, n)
      for i in 0..<plain.count {
        #expect(swapped.scalars[i] >= plain.scalars[i])
      }
      // and it does change some.
      #expect(
        zip(swapped.scalars, plain.scalars).contains { $0 > $1 }, "p=\(pp)")
    }
  }

  @Test func gradientIsZeroExactlyAtTheHinge() throws {
    // p = 1, eps = 0: d(a, p) = 1, d(a, n) = 2, margin 1: margin + 1 − 2 = 0 exactly.
    let a = try Tensor<Double>(shape: [1, 2], scalars: [0, 0])
    let p = try Tensor<Double>(shape: [1, 2], scalars: [1, 0])
    let n = try Tensor<Double>(shape: [1, 2], scalars: [2, 0])
    let v = try TripletMarginLoss(p: 1, eps: 0, reduction: .sum)
      .valueWithGradient(a, p, n)
    #expect(v.value.scalars == [0])
    for name in [LossInput.anchor, .positive, .negative] {
      #expect(v.gradients[name]?.scalars == [0, 0], "\(name)")
    }
    // Just above the hinge the gradient is the full one.
    let above = try TripletMarginLoss(
      margin: 1.25, p: 1, eps: 0, reduction: .sum
    )
    .valueWithGradient(a, p, n)
    #expect(above.gradients[.negative]?.scalars == [-1, 0])
  }

  @Test func swapTieSplitsTheGradient() throws {
    // anchor == positive: d(a, n) == d(p, n), so the minimum's gradient goes half to each.
    let (a, _, n) = Self.triple([1, 3], seed: 12)
    let tie = try TripletMarginLoss(margin: 10, swap: true, reduction: .sum)
      .valueWithGradient(a, a, n)
    let plain = try TripletMarginLoss(margin: 10, reduction: .sum)
      .valueWithGradient(a, a, n)
    let ga = try #require(tie.gradients[.anchor])
    let gp = try #require(tie.gradients[.positive])
    let pa = try #require(plain.gradients[.anchor])
    let pp = try #require(plain.gradients[.positive])
    // With w = ∂d(a, p)/∂a and u = ∂d(x, n)/∂x (the same at x = a and x = p):
    // plain: anchor = w − u, positive = −w; tie: anchor = w − u/2, positive = −w − u/2.
    // So, in terms of the plain gradients, the tie must give
    // anchor = (pa − pp)/2 and positive = pp + (pa + pp)/2.
    for i in 0..<3 {
      let (a0, p0) = (pa.scalars[i], pp.scalars[i])
      expectClose(
        ga.scalars[i], (a0 - p0) / 2, rtol: 0, atol: 1e-12, "anchor \(i)")
      #expect(
        abs(gp.scalars[i] - (p0 + (a0 + p0) / 2)) < 1e-12, "positive \(i)")
    }
    #expect(zip(ga.scalars, pa.scalars).contains { abs($0 - $1) > 1e-3 })
    #expect(
      disagreement(
        tie.gradients[.negative] ?? Tensor(0),
        plain.gradients[.negative] ?? Tensor(1)) == nil)
  }

  @Test func anchorEqualToPositiveIsAtDistanceEps() throws {
    // d(a, a) = ‖eps·1‖_p = eps·D^(1/p): eps is added to the difference.
    // With a margin that keeps the hinge open, loss = margin + d(a, a) − d(a, n).
    let (a, _, n) = Self.triple([2, 4], seed: 3)
    for p in [1.0, 2.0, 3.0] {
      let eps = 0.25
      let out = try TripletMarginLoss(
        margin: 50, p: p, eps: eps, reduction: .none)(a, a, n)
      for i in 0..<2 {
        let got = out.scalars[i] - 50 + distance(a, n, i, p, eps)
        let want = eps * Double.pow(4, 1 / p)
        expectClose(got, want, rtol: 0, atol: 1e-9, "p=\(p): \(got) vs \(want)")
      }
    }
  }

  /// ‖a_i − b_i + eps‖_p written out.
  func distance(
    _ a: Tensor<Double>, _ b: Tensor<Double>, _ i: Int, _ p: Double,
    _ eps: Double
  ) -> Double {
    var s = 0.0
    for k in 0..<4 {
      s += Double.pow(abs(a.scalars[i * 4 + k] - b.scalars[i * 4 + k] + eps), p)
    }
    return Double.pow(s, 1 / p)
  }

  @Test func unbatchedIsOneRowOfTheBatch() throws {
    let (a, p, n) = Self.triple([1, 5], seed: 21)
    let batched = try TripletMarginLoss(margin: 3, reduction: .none)(a, p, n)
    let one = try TripletMarginLoss(margin: 3, reduction: .none)(
      a.reshaped([5]), p.reshaped([5]), n.reshaped([5]))
    #expect(one.shape == [])
    #expect(one.scalars == batched.scalars)
  }

  @Test func refusals() throws {
    let (a, p, n) = Self.triple([2, 3], seed: 1)
    for m in [0.0, -1.0] {
      expectRefusal(
        { () throws(LossError) in try TripletMarginLoss(margin: m)(a, p, n) },
        kind: .invalidOption, mentioning: ["margin", "\(m)"])
    }
    expectRefusal(
      { () throws(LossError) in
        try TripletMarginLoss()(a.reshaped([6]), p, n)
      }, kind: .shapeMismatch, mentioning: ["[6]", "[2, 3]"])
    let wide = try Tensor<Double>(repeating: 0, shape: [2, 4])
    expectRefusal(
      { () throws(LossError) in try TripletMarginLoss()(a, p, wide) },
      kind: .shapeMismatch)
  }
}
