import LossCheck
import LossCheckTestSupport
import Testing

/// The fused elementwise driver on inputs large enough to be split into
/// blocks and across threads.
@Suite(.serialized) struct ElementwiseTests {
  /// More than one chunk's worth (32 768 elements) and not a whole number
  /// of 1024-element blocks.
  static let n = 300_007

  /// Runs `body` with `Parallelism.threads` set to `threads`, then puts the
  /// previous value back.
  func withThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
    let saved = Parallelism.threads
    Parallelism.threads = threads
    defer { Parallelism.threads = saved }
    return try body()
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func resultsDoNotDependOnTheThreadCount(reduction: Reduction) throws {
    var rng = SeededRandom(seed: 5)
    let a = Tensor<Float>.random([Self.n], using: &rng)
    let b = Tensor<Float>.random([Self.n], using: &rng)
    let y = Tensor<Float>(
      unchecked: a.scalars.map { $0 < 0 ? -1 : 1 }, shape: [Self.n])
    let g =
      reduction == .none ? Tensor<Float>.random([Self.n], using: &rng) : nil
    // Probabilities in (0, 1) for KLDiv's target and BCE.
    let p = Tensor<Float>(
      unchecked: b.scalars.map { 0.5 + 0.245 * $0 }, shape: [Self.n])
    let q = Tensor<Float>(
      unchecked: a.scalars.map { 0.5 - 0.245 * $0 }, shape: [Self.n])
    func run() throws -> [LossValue<Float>] {
      [
        try MSELoss(reduction: reduction).valueWithGradient(
          a, b, gradOutput: g),
        try HuberLoss(reduction: reduction).valueWithGradient(
          a, b, gradOutput: g),
        try SoftMarginLoss(reduction: reduction).valueWithGradient(
          a, y, gradOutput: g),
        try MarginRankingLoss(margin: 0.1, reduction: reduction)
          .valueWithGradient(
            a, b, y, gradOutput: g),
        try KLDivLoss(reduction: .init(rawValue: reduction.rawValue) ?? .sum)
          .valueWithGradient(a, p, gradOutput: g),
        try BCELoss(reduction: reduction).valueWithGradient(
          p, q, gradOutput: g),
        try BCEWithLogitsLoss(reduction: reduction).valueWithGradient(
          a, q, gradOutput: g),
      ]
    }
    let one = try withThreads(1) { try run() }
    let two = try withThreads(2) { try run() }
    for (p, q) in zip(one, two) {
      #expect(p.value == q.value)
      #expect(p.gradients.byInput == q.gradients.byInput)
    }
  }

  @Test func blockedPairwiseSumIsAccurate() throws {
    var rng = SeededRandom(seed: 9)
    let a = Tensor<Float>.random([Self.n], using: &rng)
    let b = Tensor<Float>.random([Self.n], using: &rng)
    let sum = try MSELoss(reduction: .sum)(a, b).scalars[0]
    // The same squares, summed in Double.
    var exact = 0.0
    for (x, t) in zip(a.scalars, b.scalars) {
      let d = x - t
      exact += Double(d * d)
    }
    #expect(abs(Double(sum) - exact) <= 1e-6 * exact)
  }
}

extension Tensor where Scalar == Float {
  /// A tensor from values whose count matches `shape` by construction.
  fileprivate init(unchecked scalars: [Float], shape: [Int]) {
    self = (try? Tensor(shape: shape, scalars: scalars)) ?? Tensor(0)
  }
}
