import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

/// Helpers shared by the class-index loss tests.
enum ClassTests {
  /// log_softmax over dim 1 of an (N, C) tensor, computed here directly
  /// (naive exp/log in Double, fine for inputs in [-3, 3]).
  static func logSoftmax(_ x: Tensor<Double>) -> Tensor<Double> {
    let (n, c) = (x.shape[0], x.shape[1])
    var out = x
    for i in 0..<n {
      var s = 0.0
      for j in 0..<c { s += exp(x.scalars[i * c + j]) }
      for j in 0..<c { out[flat: i * c + j] = x.scalars[i * c + j] - log(s) }
    }
    return out
  }

  static func oneHot(_ t: Tensor<Int64>, classes: Int) -> Tensor<Double> {
    var v = [Double](repeating: 0, count: t.count * classes)
    for (i, k) in t.scalars.enumerated() { v[i * classes + Int(k)] = 1 }
    return (try? Tensor(shape: [t.count, classes], scalars: v)) ?? Tensor(0)
  }

  /// Rows `keep` of an (N, …) tensor.
  static func rows<S>(_ x: Tensor<S>, _ keep: [Int]) -> Tensor<S> {
    let width = x.shape.dropFirst().reduce(1, *)
    let v = keep.flatMap { x.scalars[($0 * width)..<(($0 + 1) * width)] }
    return (try? Tensor(shape: [keep.count] + x.shape.dropFirst(), scalars: v))
      ?? x
  }

  static func weights(_ c: Int, using rng: inout SeededRandom) -> Tensor<Double>
  {
    Tensor<Double>.random([c], in: 0.25...2, using: &rng)
  }

}

@Suite struct CrossEntropyLossTests {
  typealias CE = CrossEntropyLoss

  @Test(arguments: [1, 2, 3] as [UInt64])
  func indicesEqualOneHotProbabilities(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([6, 5], in: -3...3, using: &rng)
    let t = Tensor<Int64>.randomIndices([6], in: 0..<5, using: &rng)
    let p = ClassTests.oneHot(t, classes: 5)
    for r in [Reduction.none, .mean, .sum] {
      let g = r == .none ? Tensor<Double>.random([6], using: &rng) : nil
      let a = try CE(reduction: r).valueWithGradient(
        x, .indices(t), gradOutput: g)
      let b = try CE(reduction: r).valueWithGradient(
        x, .probabilities(p), gradOutput: g, wrt: [.input])
      #expect(disagreement(a.value, b.value) == nil, "\(r)")
      #expect(
        disagreement(
          a.gradients[.input] ?? Tensor(0), b.gradients[.input] ?? Tensor(.nan))
          == nil,
        "\(r)")
    }
  }

  @Test(arguments: [4, 5] as [UInt64])
  func equalsNLLOfLogSoftmax(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([7, 4], in: -3...3, using: &rng)
    var t = Tensor<Int64>.randomIndices([7], in: 0..<4, using: &rng)
    t[flat: 2] = 2
    let w = ClassTests.weights(4, using: &rng)
    let lp = ClassTests.logSoftmax(x)
    for r in [Reduction.none, .mean, .sum] {
      for weight in [nil, w] {
        let ce = try CE(weight: weight, ignoreIndex: 2, reduction: r)(
          x, .indices(t))
        let nll = try NLLLoss(weight: weight, ignoreIndex: 2, reduction: r)(
          lp, t)
        #expect(
          disagreement(ce, nll, rtol: 1e-12, atol: 1e-14) == nil,
          "\(r) \(weight == nil)")
      }
    }
  }

  @Test(arguments: [0.0, 0.3] as [Double])
  func ignoredRowsContributeExactlyNothing(smoothing: Double) throws {
    var rng = SeededRandom(seed: 21)
    let x = Tensor<Double>.random([6, 5], in: -3...3, using: &rng)
    var t = Tensor<Int64>.randomIndices([6], in: 0..<5, using: &rng)
    let ignored = [1, 4]
    for i in ignored { t[flat: i] = -7 }
    let w = ClassTests.weights(5, using: &rng)
    let loss = { (r: Reduction) in
      CE(weight: w, ignoreIndex: -7, reduction: r, labelSmoothing: smoothing)
    }
    let g = Tensor<Double>.random([6], using: &rng)
    let none = try loss(.none).valueWithGradient(x, .indices(t), gradOutput: g)
    for i in ignored {
      #expect(none.value.scalars[i] == 0)
      let row = (none.gradients[.input]?.scalars ?? [])[(i * 5)..<(i * 5 + 5)]
      #expect(
        row.count == 5 && row.allSatisfy { $0 == 0 }, "row \(i): \(Array(row))")
    }
    let sum = try loss(.sum).valueWithGradient(x, .indices(t))
    for i in ignored {
      let row = (sum.gradients[.input]?.scalars ?? [])[(i * 5)..<(i * 5 + 5)]
      #expect(row.count == 5 && row.allSatisfy { $0 == 0 })
    }
    // Removing the ignored rows changes neither sum nor mean.
    let keep = [0, 2, 3, 5]
    let xs = ClassTests.rows(x, keep)
    let ts = ClassTests.rows(t, keep)
    for r in [Reduction.sum, .mean] {
      let full = try loss(r)(x, .indices(t)).scalars[0]
      let kept = try loss(r)(xs, .indices(ts)).scalars[0]
      expectClose(full, kept, "\(r):")
    }
  }

  @Test func allIgnoredMeanIsNaNWithZeroGradient() throws {
    var rng = SeededRandom(seed: 8)
    let x = Tensor<Float>.random([3, 4], using: &rng)
    let t = try Tensor<Int64>(shape: [3], scalars: [1, 1, 1])
    for eps in [0.0, 0.2] {
      let v = try CE(ignoreIndex: 1, labelSmoothing: eps).valueWithGradient(
        x, .indices(t))
      #expect(v.value.scalars[0].isNaN)
      #expect(v.gradients[.input]?.scalars.allSatisfy { $0 == 0 } == true)
      let s = try CE(ignoreIndex: 1, reduction: .sum, labelSmoothing: eps)(
        x, .indices(t))
      #expect(s.scalars[0] == 0)
    }
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func labelSmoothingIsTheMixtureOfNLLAndUniform(reduction: Reduction) throws {
    var rng = SeededRandom(seed: 31)
    let (n, c) = (5, 4)
    let x = Tensor<Double>.random([n, c], in: -3...3, using: &rng)
    var t = Tensor<Int64>.randomIndices([n], in: 0..<Int64(c), using: &rng)
    t[flat: 3] = 9
    let w = ClassTests.weights(c, using: &rng)
    let eps = 0.35
    let smoothed = try CE(
      weight: w, ignoreIndex: 9, reduction: reduction, labelSmoothing: eps)(
        x, .indices(t))
    // The mixture, built from the plain loss and a uniform term by hand.
    let lp = ClassTests.logSoftmax(x)
    let plain = try CE(weight: w, ignoreIndex: 9, reduction: .none)(
      x, .indices(t))
    var terms: [Double] = []
    var denominator = 0.0
    for i in 0..<n {
      guard t.scalars[i] != 9 else {
        terms.append(0)
        continue
      }
      var u = 0.0
      for k in 0..<c { u -= w.scalars[k] * lp.scalars[i * c + k] }
      terms.append((1 - eps) * plain.scalars[i] + eps / Double(c) * u)
      denominator += w.scalars[Int(t.scalars[i])]
    }
    let total = terms.reduce(0, +)
    let expected: [Double] =
      switch reduction {
      case .none: terms
      case .sum: [total]
      case .mean, .batchmean: [total / denominator]
      }
    #expect(smoothed.scalars.count == expected.count)
    for (a, b) in zip(smoothed.scalars, expected) {
      expectClose(a, b)
    }
  }

  @Test func negativeSmoothingActsAsZeroAndAboveOneIsRefused() throws {
    var rng = SeededRandom(seed: 3)
    let x = Tensor<Double>.random([3, 4], using: &rng)
    let t = Tensor<Int64>.randomIndices([3], in: 0..<4, using: &rng)
    #expect(
      try CE(labelSmoothing: -0.4)(x, .indices(t)) == CE()(x, .indices(t)))
    expectRefusal(
      { () throws(LossError) in try CE(labelSmoothing: 1.5)(x, .indices(t)) },
      kind: .invalidOption, mentioning: ["label_smoothing", "1.5"])
  }

  /// Class-index targets on (N, C, d1) = (2, 4, 3) (the class dim is not
  /// last), with weights, smoothing and an ignored position: `mean`
  /// divides by the kept positions' weights.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecksWithIndices(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([2, 4, 3], in: -3...3, using: &rng)
    var t = Tensor<Int64>.randomIndices([2, 3], in: 0..<4, using: &rng)
    t[flat: 4] = 1
    let w = ClassTests.weights(4, using: &rng)
    let kept = t.scalars.filter { $0 != 1 }.map { w.scalars[Int($0)] }
    checkLoss(
      CheckedLoss(
        "CrossEntropyLoss", inputs: [.input: x], outputShape: [2, 3],
        meanDenominator: kept.reduce(0, +)
      ) { p throws(LossError) in
        try CE(
          weight: w, ignoreIndex: 1, reduction: p.reduction,
          labelSmoothing: 0.2
        ).valueWithGradient(
          p[.input], .indices(t), gradOutput: p.gradOutput, wrt: p.wrt)
      }, seed: seed)
  }

  /// Probability targets: `mean` divides by the number of positions.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharedChecksWithProbabilities(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Double>.random([3, 4, 2], in: -3...3, using: &rng)
    let t = Tensor<Double>.random([3, 4, 2], in: 0.05...1, using: &rng)
    let w = ClassTests.weights(4, using: &rng)
    checkLoss(
      CheckedLoss(
        "CrossEntropyLoss", inputs: [.input: x, .target: t],
        outputShape: [3, 2], meanDenominator: 6
      ) { p throws(LossError) in
        try CE(weight: w, reduction: p.reduction, labelSmoothing: 0.15)
          .valueWithGradient(
            p[.input], .probabilities(p[.target]), gradOutput: p.gradOutput,
            wrt: p.wrt)
      }, seed: seed)
  }

  @Test(arguments: [7, 8] as [UInt64])
  func permutingTheBatchPermutesNoneOutputs(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([5, 3], using: &rng)
    let t = Tensor<Int64>.randomIndices([5], in: 0..<3, using: &rng)
    let perm = [3, 0, 4, 1, 2]
    let loss = CE(ignoreIndex: 0, reduction: .none, labelSmoothing: 0.1)
    let a = try loss(x, .indices(t))
    let b = try loss(
      ClassTests.rows(x, perm), .indices(ClassTests.rows(t, perm)))
    #expect(b.scalars == perm.map { a.scalars[$0] })
  }

  @Test func refusalsNameTheArgument() throws {
    let x = try Tensor<Double>(repeating: 0.5, shape: [2, 3])
    expectRefusal(
      { () throws(LossError) in
        try CE()(x, .indices(Tensor(shape: [2], scalars: [0, 3])))
      }, kind: .indexOutOfRange, mentioning: ["3"])
    expectRefusal(
      { () throws(LossError) in
        try CE(weight: Tensor(shape: [2], scalars: [1, 1]))(
          x, .indices(Tensor(shape: [2], scalars: [0, 1])))
      }, kind: .shapeMismatch, mentioning: ["weight"])
    expectRefusal(
      { () throws(LossError) in
        try CE()(x, .indices(Tensor(repeating: 0, shape: [2, 3])))
      }, kind: .dtypeMismatch, mentioning: ["target"])
    expectRefusal(
      { () throws(LossError) in
        try CE()(x, .probabilities(Tensor(shape: [2], scalars: [0, 1])))
      }, kind: .dtypeMismatch, mentioning: ["target"])
    expectRefusal(
      { () throws(LossError) in try CE(ignoreIndex: 0)(x, .probabilities(x)) },
      kind: .invalidOption, mentioning: ["ignore_index"])
    expectRefusal(
      { () throws(LossError) in
        try CE()(x, .indices(Tensor(shape: [3], scalars: [0, 1, 2])))
      }, kind: .shapeMismatch)
    expectRefusal(
      { () throws(LossError) in
        try CE().valueWithGradient(
          x, .indices(Tensor(shape: [2], scalars: [0, 1])), wrt: [.target])
      }, kind: .dtypeMismatch, mentioning: ["target"])
  }
}
