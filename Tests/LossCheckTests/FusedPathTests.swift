import LossCheckTestSupport
import Testing

@testable import LossCheck

/// Each fused path of a loss against its general path, on random shapes,
/// options and values (fixed seeds), Float and Double.
///
/// Where the two paths run different arithmetic, they agree within a few
/// roundings of the terms they sum, not bit for bit: the fused row
/// kernels sum a row in vector lanes (`T.VMVector`) where the general
/// paths sum it left to right, and they factor the gradients differently
/// (c/‖z‖ · z against c · (z/‖z‖)); MultiLabelSoftMargin's fused rows
/// take exp and log1p from `VectorMath` (within 2 ULPs of libm). A sum of
/// D terms reordered moves by at most about D·u of Σ|terms|, so each
/// element is compared within (8·D + 32)·u times the largest magnitude of
/// that tensor (u the unit roundoff). A wrong index, term or sign is off
/// by O(1) of that scale and fails.
///
/// Where the paths run the same arithmetic and differ only in which
/// gradients they write (the elementwise losses' specialised kernels for
/// the common gradient requests), they must agree bit for bit.
@Suite struct FusedPathTests {
  /// Whether `fused` and `general` agree in shape and within
  /// `(8·width + 32)·u·scale` per element, with `scale` the largest
  /// magnitude in `general` (at least 1); NaNs must sit at the same
  /// places. Records an issue naming `what` otherwise.
  func expectClose<T: LossScalar>(
    _ fused: Tensor<T>?, _ general: Tensor<T>?, width: Int, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let fused, let general else {
      #expect(
        (fused == nil) == (general == nil), "\(what): present on one path",
        sourceLocation: sourceLocation)
      return
    }
    #expect(
      fused.shape == general.shape, "\(what)", sourceLocation: sourceLocation)
    guard fused.shape == general.shape else { return }
    let scale = general.scalars.reduce(T(1)) { m, x in
      x.isFinite ? max(m, x.magnitude) : m
    }
    let tolerance = T(8 * width + 32) * T.ulpOfOne / 2 * scale
    for (i, (a, b)) in zip(fused.scalars, general.scalars).enumerated() {
      if a.isNaN || b.isNaN {
        #expect(
          a.isNaN && b.isNaN, "\(what)[\(i)]: \(a) vs \(b)",
          sourceLocation: sourceLocation)
      } else if !(a == b || (a - b).magnitude <= tolerance) {
        Issue.record(
          "\(what)[\(i)]: \(a) vs \(b) (tolerance \(tolerance))",
          sourceLocation: sourceLocation)
        return
      }
    }
  }

  /// The value and every gradient of two results, within `expectClose`.
  func expectClose<T: LossScalar>(
    _ fused: LossValue<T>, _ general: LossValue<T>, width: Int,
    names: [LossInput], _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    expectClose(
      fused.value, general.value, width: width, "\(what) value",
      sourceLocation: sourceLocation)
    for name in names {
      expectClose(
        fused.gradients[name], general.gradients[name], width: width,
        "\(what) d\(name.rawValue)", sourceLocation: sourceLocation)
    }
  }

  /// A random reduction, and a random cotangent for an output of
  /// `outShape` unreduced (nil a quarter of the time).
  func reductionAndCotangent<T: LossScalar>(
    _ outShape: [Int], using rng: inout SeededRandom
  ) -> (Reduction, Tensor<T>?) {
    let reduction = [Reduction.none, .mean, .sum][Int(rng.next() % 3)]
    guard rng.next() % 4 != 0 else { return (reduction, nil) }
    let shape = reduction == .none ? outShape : []
    return (reduction, Tensor<T>.random(shape, in: -2...2, using: &rng))
  }

  static let seeds: [UInt64] = Array(1...12)

  @Test(arguments: seeds)
  func cosineEmbeddingFusedRowsMatchTheBroadcastingPath(seed: UInt64) throws {
    try cosineEmbedding(Float.self, seed: seed)
    try cosineEmbedding(Double.self, seed: seed)
  }

  func cosineEmbedding<T: LossScalar>(_: T.Type, seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let batched = rng.next() % 5 != 0
    let rows = batched ? Int(rng.next() % 600) + 1 : 1
    let cols = Int(rng.next() % 40) + 1
    let shape = batched ? [rows, cols] : [cols]
    let x1 = Tensor<T>.random(shape, in: -1...1, using: &rng)
    let x2 = Tensor<T>.random(shape, in: -1...1, using: &rng)
    // Mostly ±1, sometimes another value (loss 0).
    let labels: [T] = (0..<rows).map { _ in
      [1, -1, 1, -1, 0][Int(rng.next() % 5)]
    }
    let target = try Tensor(shape: batched ? [rows] : [], scalars: labels)
    let outShape = target.shape
    let (reduction, g): (Reduction, Tensor<T>?) = reductionAndCotangent(
      outShape, using: &rng)
    let loss = CosineEmbeddingLoss(
      margin: Double.random(in: -0.5...0.5, using: &rng), reduction: reduction)
    let wrt: GradientRequest = [.input1, .input2, .target]
    let fused = try loss.fusedRows(
      x1, x2, target, rows: rows, cols: cols, gradOutput: g, wrt: wrt)
    let general = try loss.broadcasting(x1, x2, target, gradOutput: g, wrt: wrt)
    expectClose(
      fused, general, width: cols, names: [.input1, .input2, .target],
      "CosineEmbedding \(T.self) \(shape) \(reduction)")
    // The public entry takes the fused path here.
    let entry = try loss.valueWithGradient(
      x1, x2, target, gradOutput: g, wrt: wrt)
    #expect(entry.value == fused.value)
  }

  @Test(arguments: seeds)
  func tripletMarginFusedEuclideanMatchesTheGeneralPath(seed: UInt64) throws {
    try tripletMargin(Float.self, seed: seed)
    try tripletMargin(Double.self, seed: seed)
  }

  /// Random triplet inputs of one shape: rank 1 to 3, a last dimension of
  /// 1 to 40, at most about 20 000 elements.
  func triplet<T: LossScalar>(
    _: T.Type, rank: Int, using rng: inout SeededRandom
  ) -> (shape: [Int], a: Tensor<T>, p: Tensor<T>, n: Tensor<T>) {
    let length = Int(rng.next() % 40) + 1
    var shape = [length]
    for _ in 1..<rank { shape.insert(Int(rng.next() % 23) + 1, at: 0) }
    let a = Tensor<T>.random(shape, in: -1...1, using: &rng)
    let p = Tensor<T>.random(shape, in: -1...1, using: &rng)
    let n = Tensor<T>.random(shape, in: -1...1, using: &rng)
    return (shape, a, p, n)
  }

  func tripletMargin<T: LossScalar>(_: T.Type, seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let (shape, a, p, n) = triplet(
      T.self, rank: Int(rng.next() % 3) + 1, using: &rng)
    let outShape = Array(shape.dropLast())
    let (reduction, g): (Reduction, Tensor<T>?) = reductionAndCotangent(
      outShape, using: &rng)
    let loss = TripletMarginLoss(
      margin: Double.random(in: 0.1...2, using: &rng), p: 2,
      eps: [0, 1e-6, 1e-3][Int(rng.next() % 3)], swap: rng.next() % 2 == 0,
      reduction: reduction)
    let names: [LossInput] = [.anchor, .positive, .negative]
    let wrt = GradientRequest(Set(names))
    let fused = try loss.fusedEuclidean(a, p, n, gradOutput: g, wrt: wrt)
    let general = try loss.general(a, p, n, gradOutput: g, wrt: wrt)
    expectClose(
      fused, general, width: shape.last ?? 1, names: names,
      "TripletMargin \(T.self) \(shape) swap \(loss.swap) \(reduction)")
  }

  @Test(arguments: seeds)
  func tripletMarginWithDistanceFusedPathsMatchTheComposedPath(
    seed: UInt64
  ) throws {
    try tripletWithDistance(Float.self, seed: seed)
    try tripletWithDistance(Double.self, seed: seed)
  }

  func tripletWithDistance<T: LossScalar>(_: T.Type, seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let names: [LossInput] = [.anchor, .positive, .negative]
    let wrt = GradientRequest(Set(names))
    let margin = Double.random(in: 0.1...2, using: &rng)
    let swap = rng.next() % 2 == 0
    // The cosine distance's fused path takes (N, D) inputs.
    do {
      let (shape, a, p, n) = triplet(T.self, rank: 2, using: &rng)
      let (reduction, g): (Reduction, Tensor<T>?) =
        reductionAndCotangent([shape[0]], using: &rng)
      let loss = TripletMarginWithDistanceLoss(
        distance: CosineDistance(), margin: margin, swap: swap,
        reduction: reduction)
      let fused = try loss.valueWithGradient(a, p, n, gradOutput: g, wrt: wrt)
      let composed = try loss.composed(a, p, n, gradOutput: g, wrt: wrt)
      expectClose(
        fused, composed, width: shape[1], names: names,
        "cosine \(T.self) \(shape) swap \(swap) \(reduction)")
    }
    // The default distance (p = 2) takes TripletMarginLoss's fused kernel.
    do {
      let (shape, a, p, n) = triplet(
        T.self, rank: Int(rng.next() % 3) + 1, using: &rng)
      let (reduction, g): (Reduction, Tensor<T>?) =
        reductionAndCotangent(Array(shape.dropLast()), using: &rng)
      let loss = TripletMarginWithDistanceLoss(
        distance: PairwiseDistance(eps: [0, 1e-6, 1e-3][Int(rng.next() % 3)]),
        margin: margin, swap: swap, reduction: reduction)
      let fused = try loss.valueWithGradient(a, p, n, gradOutput: g, wrt: wrt)
      let composed = try loss.composed(a, p, n, gradOutput: g, wrt: wrt)
      expectClose(
        fused, composed, width: shape.last ?? 1, names: names,
        "pairwise \(T.self) \(shape) swap \(swap) \(reduction)")
    }
  }

  @Test(arguments: seeds)
  func multiLabelSoftMarginRowsMatchTheBroadcastingPath(seed: UInt64) throws {
    try multiLabelSoftMargin(Float.self, seed: seed)
    try multiLabelSoftMargin(Double.self, seed: seed)
  }

  func multiLabelSoftMargin<T: LossScalar>(_: T.Type, seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let classes = Int(rng.next() % 40) + 1
    let batched = rng.next() % 4 != 0
    let shape = batched ? [Int(rng.next() % 300) + 1, classes] : [classes]
    let x = Tensor<T>.random(shape, in: -4...4, using: &rng)
    let t = Tensor<T>.random(shape, in: 0...1, using: &rng)
    let weight: Tensor<Double>? =
      rng.next() % 2 == 0
      ? Tensor<Double>.random([classes], in: 0...2, using: &rng) : nil
    let (reduction, g): (Reduction, Tensor<T>?) =
      reductionAndCotangent(Array(shape.dropLast()), using: &rng)
    let loss = MultiLabelSoftMarginLoss(weight: weight, reduction: reduction)
    let wrt: GradientRequest = [.input, .target]
    let fused = try loss.rowwise(x, t, gradOutput: g, wrt: wrt)
    let general = try loss.broadcasting(
      x, t, shape: shape, classes: classes, gradOutput: g, wrt: wrt)
    expectClose(
      fused, general, width: classes, names: [.input, .target],
      "MultiLabelSoftMargin \(T.self) \(shape) \(reduction)")
  }

  /// The elementwise losses' kernels specialised for the usual gradient
  /// request compute the same arithmetic as their general kernel, so the
  /// value and the shared gradients must be the same bits whatever else is
  /// asked for.
  @Test(arguments: seeds)
  func elementwiseCommonRequestKernelsMatchTheGeneralKernel(
    seed: UInt64
  ) throws {
    var rng = SeededRandom(seed: seed)
    let shape = [Int(rng.next() % 50) + 1, Int(rng.next() % 50) + 1]
    let a = Tensor<Double>.random(shape, in: -2...2, using: &rng)
    let b = Tensor<Double>.random(shape, in: -2...2, using: &rng)
    let positive = Tensor<Double>.random(shape, in: 0.01...3, using: &rng)
    let signs = try Tensor(
      shape: shape, scalars: a.scalars.map { $0 < 0 ? -1.0 : 1.0 })
    let (reduction, g): (Reduction, Tensor<Double>?) =
      reductionAndCotangent(shape, using: &rng)

    /// Bit equality of the value and of the gradients in `shared`.
    func expectSame(
      _ narrow: LossValue<Double>, _ wide: LossValue<Double>,
      shared: [LossInput], _ what: String
    ) {
      #expect(narrow.value == wide.value, "\(what) value")
      for name in shared {
        #expect(
          narrow.gradients[name] == wide.gradients[name],
          "\(what) d\(name.rawValue)")
      }
    }
    let ranking = MarginRankingLoss(
      margin: Double.random(in: -1...1, using: &rng), reduction: reduction)
    expectSame(
      try ranking.valueWithGradient(
        a, b, signs, gradOutput: g, wrt: [.input1, .input2]),
      try ranking.valueWithGradient(
        a, b, signs, gradOutput: g, wrt: [.input1, .input2, .target]),
      shared: [.input1, .input2], "MarginRanking")
    let gaussian = GaussianNLLLoss(
      reduction: reduction, full: rng.next() % 2 == 0, eps: 1e-6)
    expectSame(
      try gaussian.valueWithGradient(
        a, b, positive, gradOutput: g, wrt: [.input]),
      try gaussian.valueWithGradient(
        a, b, positive, gradOutput: g, wrt: [.input, .target, .variance]),
      shared: [.input], "GaussianNLL")
    let poisson = PoissonNLLLoss(
      reduction: reduction, logInput: true, full: false)
    expectSame(
      try poisson.valueWithGradient(a, positive, gradOutput: g, wrt: [.input]),
      try poisson.valueWithGradient(
        a, positive, gradOutput: g, wrt: [.input, .target]),
      shared: [.input], "PoissonNLL")
    expectSame(
      try poisson.valueWithGradient(a, positive, wrt: .none),
      try poisson.valueWithGradient(
        a, positive, gradOutput: g, wrt: [.target]),
      shared: [], "PoissonNLL value only")
  }
}
