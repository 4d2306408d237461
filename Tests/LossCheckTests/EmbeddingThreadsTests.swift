import LossCheck
import LossCheckTestSupport
import Testing

/// The fused kernels of the embedding losses, the class-index losses and
/// CTC split their rows (or samples, or blocks of positions) across threads; each row is computed the same way whatever the
/// split, so 2 threads must give exactly the 1-thread bits.
@Suite(.serialized)
struct EmbeddingThreadsTests {
  /// `body` with 1 thread and with 2, the results compared bit for bit.
  func sameWithTwoThreads<T: LossScalar>(
    _ body: () throws -> LossValue<T>
  ) throws {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = 1
    let one = try body()
    Parallelism.threads = 2
    let two = try body()
    /// Sign, exponent and significand of each element (NaNs compare equal).
    func bits(_ t: Tensor<T>?) -> [String]? {
      t?.scalars.map {
        "\($0.sign) \($0.exponentBitPattern) \($0.significandBitPattern)"
      }
    }
    #expect(bits(one.value) == bits(two.value))
    #expect(one.gradients.inputs == two.gradients.inputs)
    for (name, g) in one.gradients.byInput {
      #expect(bits(g) == bits(two.gradients[name]), "\(name)")
    }
  }

  @Test func embeddingLosses() throws {
    var rng = SeededRandom(seed: 7)
    // 1000 rows of 40: several chunks of minimumRowChunk(40) = 409 rows.
    let a = Tensor<Float>.random([1000, 40], in: -1...1, using: &rng)
    let p = Tensor<Float>.random([1000, 40], in: -1...1, using: &rng)
    let n = Tensor<Float>.random([1000, 40], in: -1...1, using: &rng)
    let t = try Tensor<Float>(
      shape: [1000], scalars: (0..<1000).map { $0 % 3 == 0 ? -1 : 1 })
    try sameWithTwoThreads {
      try CosineEmbeddingLoss(margin: 0.1, reduction: .none).valueWithGradient(
        a, p, t)
    }
    try sameWithTwoThreads {
      try TripletMarginLoss(swap: true).valueWithGradient(a, p, n)
    }
    try sameWithTwoThreads {
      try TripletMarginWithDistanceLoss(
        distance: CosineDistance(), margin: 0.5, swap: true
      )
      .valueWithGradient(a, p, n)
    }
  }

  @Test func classIndexLosses() throws {
    var rng = SeededRandom(seed: 9)
    // 20 000 positions of 8 classes: blocks of 1024 positions, several
    // chunks; and a spatial layout (N, C, d).
    let x = Tensor<Float>.random([20_000, 8], in: -3...0, using: &rng)
    let xs = Tensor<Float>.random([500, 8, 40], in: -3...0, using: &rng)
    var t = Tensor<Int64>.randomIndices([20_000], in: 0..<8, using: &rng)
    t = try Tensor(
      shape: t.shape,
      scalars: t.scalars.enumerated().map { $0 % 7 == 0 ? -100 : $1 })
    let ts = Tensor<Int64>.randomIndices([500, 40], in: 0..<8, using: &rng)
    let w = try Tensor<Double>(
      shape: [8], scalars: [0.5, 1, 2, 0.25, 1.5, 1, 3, 0.75])
    for reduction in [Reduction.mean, .sum, .none] {
      let g =
        reduction == .none ? Tensor<Float>.random([20_000], using: &rng) : nil
      try sameWithTwoThreads {
        try NLLLoss(weight: w, reduction: reduction).valueWithGradient(
          x, t, gradOutput: g)
      }
      try sameWithTwoThreads {
        try NLLLoss(reduction: reduction).valueWithGradient(x, t, gradOutput: g)
      }
      try sameWithTwoThreads {
        try CrossEntropyLoss(
          weight: w, reduction: reduction, labelSmoothing: 0.1
        )
        .valueWithGradient(x, .indices(t), gradOutput: g)
      }
    }
    try sameWithTwoThreads { try NLLLoss().valueWithGradient(xs, ts) }
  }

  @Test func ctc() throws {
    var rng = SeededRandom(seed: 8)
    let (T, N, C, S) = (30, 5, 6, 8)
    let lp = Tensor<Double>.random([T, N, C], in: -3...0, using: &rng)
    let targets = try Tensor<Int64>(
      shape: [N, S], scalars: (0..<(N * S)).map { Int64(1 + $0 % (C - 1)) })
    let inputLengths = try Tensor<Int64>(
      shape: [N], scalars: [30, 29, 25, 30, 20])
    let targetLengths = try Tensor<Int64>(shape: [N], scalars: [8, 5, 0, 7, 3])
    try sameWithTwoThreads {
      try CTCLoss(reduction: .sum).valueWithGradient(
        lp, targets, inputLengths: inputLengths, targetLengths: targetLengths)
    }
  }
}
