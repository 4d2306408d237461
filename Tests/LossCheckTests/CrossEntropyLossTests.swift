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
    return (try? Tensor(shape: [keep.count] + x.shape.dropFirst(), scalars: v)) ?? x
  }

  static func weights(_ c: Int, using rng: inout SeededRandom) -> Tensor<Double> {
    Tensor<Double>.random([c], in: 0.25...2, using: &rng)
  }

  static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool {
    (a.isNaN && b.isNaN) || abs(a - b) <= tol * max(1, abs(a), abs(b))
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
    for r in Reduction.allCases {
      let g = r == .none ? Tensor<Double>.random([6], using: &rng) : nil
      let a = try CE(reduction: r).valueWithGradient(x, .indices(t), gradOutput: g)
      let b = try CE(reduction: r).valueWithGradient(
        x, .probabilities(p), gradOutput: g, wrt: ["input"])
      #expect(disagreement(a.value, b.value) == nil, "\(r)")
      #expect(
        disagreement(a.gradients.input ?? Tensor(0), b.gradients.input ?? Tensor(.nan)) == nil,
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
    for r in Reduction.allCases {
      for weight in [nil, w] {
        let ce = try CE(weight: weight, ignoreIndex: 2, reduction: r)(x, .indices(t))
        let nll = try NLLLoss(weight: weight, ignoreIndex: 2, reduction: r)(lp, t)
        #expect(disagreement(ce, nll, rtol: 1e-12, atol: 1e-14) == nil, "\(r) \(weight == nil)")
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
      let row = (none.gradients.input?.scalars ?? [])[(i * 5)..<(i * 5 + 5)]
      #expect(row.count == 5 && row.allSatisfy { $0 == 0 }, "row \(i): \(Array(row))")
    }
    let sum = try loss(.sum).valueWithGradient(x, .indices(t))
    for i in ignored {
      let row = (sum.gradients.input?.scalars ?? [])[(i * 5)..<(i * 5 + 5)]
      #expect(row.count == 5 && row.allSatisfy { $0 == 0 })
    }
    // Removing the ignored rows changes neither sum nor mean.
    let keep = [0, 2, 3, 5]
    let xs = ClassTests.rows(x, keep)
    let ts = ClassTests.rows(t, keep)
    for r in [Reduction.sum, .mean] {
      let full = try loss(r)(x, .indices(t)).scalars[0]
      let kept = try loss(r)(xs, .indices(ts)).scalars[0]
      #expect(ClassTests.close(full, kept), "\(r): \(full) vs \(kept)")
    }
  }

  @Test func allIgnoredMeanIsNaNWithZeroGradient() throws {
    var rng = SeededRandom(seed: 8)
    let x = Tensor<Float>.random([3, 4], using: &rng)
    let t = try Tensor<Int64>(shape: [3], scalars: [1, 1, 1])
    for eps in [0.0, 0.2] {
      let v = try CE(ignoreIndex: 1, labelSmoothing: eps).valueWithGradient(x, .indices(t))
      #expect(v.value.scalars[0].isNaN)
      #expect(v.gradients.input?.scalars.allSatisfy { $0 == 0 } == true)
      let s = try CE(ignoreIndex: 1, reduction: .sum, labelSmoothing: eps)(x, .indices(t))
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
    let smoothed = try CE(weight: w, ignoreIndex: 9, reduction: reduction, labelSmoothing: eps)(
      x, .indices(t))
    // The mixture, built from the plain loss and a uniform term by hand.
    let lp = ClassTests.logSoftmax(x)
    let plain = try CE(weight: w, ignoreIndex: 9, reduction: .none)(x, .indices(t))
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
      case .mean: [total / denominator]
      }
    #expect(smoothed.scalars.count == expected.count)
    for (a, b) in zip(smoothed.scalars, expected) {
      #expect(ClassTests.close(a, b), "\(a) vs \(b)")
    }
  }

  @Test func negativeSmoothingActsAsZeroAndAboveOneIsRefused() throws {
    var rng = SeededRandom(seed: 3)
    let x = Tensor<Double>.random([3, 4], using: &rng)
    let t = Tensor<Int64>.randomIndices([3], in: 0..<4, using: &rng)
    #expect(try CE(labelSmoothing: -0.4)(x, .indices(t)) == CE()(x, .indices(t)))
    do {
      _ = try CE(labelSmoothing: 1.5)(x, .indices(t))
      Issue.record("label_smoothing 1.5 was accepted")
    } catch {
      #expect(error.kind == .invalidOption)
      #expect(error.message.contains("label_smoothing") && error.message.contains("1.5"))
    }
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func indexGradientsMatchFiniteDifferences(reduction: Reduction) {
    var rng = SeededRandom(seed: 41)
    // (N, C, d1) = (2, 4, 3): the class dim is not last.
    let x = Tensor<Double>.random([2, 4, 3], in: -3...3, using: &rng)
    var t = Tensor<Int64>.randomIndices([2, 3], in: 0..<4, using: &rng)
    t[flat: 4] = 1
    let w = ClassTests.weights(4, using: &rng)
    let g = reduction == .none ? Tensor<Double>.random([2, 3], using: &rng) : nil
    let loss = CE(weight: w, ignoreIndex: 1, reduction: reduction, labelSmoothing: 0.2)
    let problems = finiteDifferenceProblems(inputs: ["input": x], gradOutput: g) {
      v throws(LossError) in
      try loss.valueWithGradient(v["input"] ?? Tensor(0), .indices(t), gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func probabilityGradientsMatchFiniteDifferences(reduction: Reduction) {
    var rng = SeededRandom(seed: 43)
    let x = Tensor<Double>.random([3, 4, 2], in: -3...3, using: &rng)
    let p = Tensor<Double>.random([3, 4, 2], in: 0.05...1, using: &rng)
    let w = ClassTests.weights(4, using: &rng)
    let g = reduction == .none ? Tensor<Double>.random([3, 2], using: &rng) : nil
    let loss = CE(weight: w, reduction: reduction, labelSmoothing: 0.15)
    let problems = finiteDifferenceProblems(inputs: ["input": x, "target": p], gradOutput: g) {
      v throws(LossError) in
      try loss.valueWithGradient(
        v["input"] ?? Tensor(0), .probabilities(v["target"] ?? Tensor(0)), gradOutput: g,
        wrt: ["input", "target"])
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [7, 8] as [UInt64])
  func permutingTheBatchPermutesNoneOutputs(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([5, 3], using: &rng)
    let t = Tensor<Int64>.randomIndices([5], in: 0..<3, using: &rng)
    let perm = [3, 0, 4, 1, 2]
    let loss = CE(ignoreIndex: 0, reduction: .none, labelSmoothing: 0.1)
    let a = try loss(x, .indices(t))
    let b = try loss(ClassTests.rows(x, perm), .indices(ClassTests.rows(t, perm)))
    #expect(b.scalars == perm.map { a.scalars[$0] })
  }

  @Test func refusalsNameTheArgument() throws {
    let x = try Tensor<Double>(repeating: 0.5, shape: [2, 3])
    func kind(_ f: () throws -> Void) -> LossError? {
      do {
        try f()
        return nil
      } catch { return error as? LossError }
    }
    let oob = kind { _ = try CE()(x, .indices(Tensor(shape: [2], scalars: [0, 3]))) }
    #expect(oob?.kind == .indexOutOfRange && oob?.message.contains("3") == true)
    let w = kind {
      _ = try CE(weight: Tensor(shape: [2], scalars: [1, 1]))(
        x, .indices(Tensor(shape: [2], scalars: [0, 1])))
    }
    #expect(w?.kind == .shapeMismatch && w?.message.contains("weight") == true)
    let intLike = kind { _ = try CE()(x, .indices(Tensor(repeating: 0, shape: [2, 3]))) }
    #expect(intLike?.kind == .dtypeMismatch)
    let floatIdx = kind {
      _ = try CE()(x, CE.Target<Double>.probabilities(Tensor(shape: [2], scalars: [0, 1])))
    }
    #expect(floatIdx?.kind == .dtypeMismatch)
    let ii = kind { _ = try CE(ignoreIndex: 0)(x, .probabilities(x)) }
    #expect(ii?.kind == .invalidOption && ii?.message.contains("ignore_index") == true)
    let batch = kind { _ = try CE()(x, .indices(Tensor(shape: [3], scalars: [0, 1, 2]))) }
    #expect(batch?.kind == .shapeMismatch)
  }
}
