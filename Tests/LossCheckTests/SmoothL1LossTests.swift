import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct SmoothL1LossTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func reductionsAgree(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([2, 3, 4], using: &rng)
    let t = Tensor<Float>.random([2, 3, 4], using: &rng)
    let problems = reductionProblems(denominator: 24) { r throws(LossError) in
      try SmoothL1Loss(reduction: r, beta: 0.5)(x, t)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [0.25, 1.0, 3.0])
  func timesBetaIsHuberWithDeltaBeta(beta: Double) throws {
    var rng = SeededRandom(seed: 41)
    let x = Tensor<Double>.random([30], in: -4...4, using: &rng)
    let t = Tensor<Double>.random([30], in: -4...4, using: &rng)
    let g = Tensor<Double>.random([30], using: &rng)
    let s = try SmoothL1Loss(reduction: .none, beta: beta).valueWithGradient(x, t, gradOutput: g)
    let h = try HuberLoss(reduction: .none, delta: beta).valueWithGradient(x, t, gradOutput: g)
    func scaled(_ a: Tensor<Double>?) throws -> Tensor<Double> {
      let a = a ?? Tensor(.nan)
      return try Tensor(shape: a.shape, scalars: a.scalars.map { $0 * beta })
    }
    #expect(disagreement(try scaled(s.value), h.value, rtol: 1e-14, atol: 1e-14) == nil)
    #expect(disagreement(try scaled(s.gradients.input), h.gradients.input ?? Tensor(.nan), rtol: 1e-14, atol: 1e-14) == nil)
    #expect(disagreement(try scaled(s.gradients.target), h.gradients.target ?? Tensor(.nan), rtol: 1e-14, atol: 1e-14) == nil)
  }

  @Test func betaZeroIsL1ValueAndGradient() throws {
    var rng = SeededRandom(seed: 43)
    var x = Tensor<Float>.random([12], using: &rng)
    let t = Tensor<Float>.random([12], using: &rng)
    x[flat: 0] = t.scalars[0]  // a tie
    x[flat: 1] = .nan  // a NaN difference: gradient 0, as L1
    let g = Tensor<Float>.random([12], using: &rng)
    let s = try SmoothL1Loss(reduction: .none, beta: 0).valueWithGradient(x, t, gradOutput: g)
    let l = try L1Loss(reduction: .none).valueWithGradient(x, t, gradOutput: g)
    let d = { (a: Tensor<Float>?) in (a?.scalars ?? []).map { Double($0) } }
    #expect(sameValues(d(s.value), d(l.value)))
    #expect(sameValues(d(s.gradients.input), d(l.gradients.input)))
    #expect(sameValues(d(s.gradients.target), d(l.gradients.target)))
    #expect(s.gradients.input?.scalars[0] == 0 && s.gradients.input?.scalars[1] == 0)
  }

  @Test(arguments: [(Reduction.none, 0.5), (.mean, 1.0), (.sum, 2.0)])
  func gradientsMatchFiniteDifferencesAwayFromKinks(reduction: Reduction, beta: Double) {
    let (x, t) = RegressionFixtures.awayFromKinks([3, 5], kinks: [0, beta], seed: 47)
    var rng = SeededRandom(seed: 48)
    let g = reduction == .none ? Tensor<Double>.random([3, 5], using: &rng) : nil
    let problems = finiteDifferenceProblems(inputs: ["input": x, "target": t], gradOutput: g) {
      v throws(LossError) in
      try SmoothL1Loss(reduction: reduction, beta: beta).valueWithGradient(
        v["input"] ?? Tensor(0), v["target"] ?? Tensor(0), gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func gradientAtKinksIsPyTorchs() throws {
    // |d| == beta: sign (+-1); tie: 0; NaN difference with beta > 0: NaN.
    let x = try Tensor<Double>(shape: [4], scalars: [2.5, -1, 0.75, .nan])
    let t = try Tensor<Double>(shape: [4], scalars: [0.5, 1, 0.75, 0])
    let v = try SmoothL1Loss(reduction: .sum, beta: 2).valueWithGradient(x, t)
    #expect(sameValues(v.gradients.input?.scalars ?? [], [1, -1, 0, .nan]))
    // Both branches meet at the kink: 0.5 * 2^2 / 2 = 2 - 1 = 1.
    let at = try SmoothL1Loss(reduction: .none, beta: 2)(x, t)
    #expect(at.scalars[0] == 1 && at.scalars[1] == 1)
  }

  @Test(arguments: [-1.0, -1e-300, Double.nan])
  func negativeBetaIsRefused(beta: Double) throws {
    let x = try Tensor<Float>(repeating: 1, shape: [2])
    do {
      _ = try SmoothL1Loss(beta: beta)(x, x)
      Issue.record("beta \(beta) was accepted")
    } catch {
      #expect(error.kind == .invalidOption)
      #expect(error.message.contains("beta"))
    }
  }
}
