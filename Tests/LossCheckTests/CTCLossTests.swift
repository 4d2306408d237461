import Foundation
import LossCheck
import LossCheckTestSupport
import Testing

/// Random log_softmax rows of shape `shape` (last axis normalised).
private func randomLogProbs<T: LossScalar>(
  _ shape: [Int], normalized: Bool = true, using rng: inout SeededRandom
) -> Tensor<T> {
  var x = Tensor<T>.random(shape, in: -2...2, using: &rng)
  let C = shape.last ?? 1
  guard normalized, C > 0 else { return x }
  for r in 0..<(x.count / C) {
    let row = x.scalars[(r * C)..<(r * C + C)]
    let m = row.max() ?? 0
    let lse = m + T.log(row.reduce(0) { $0 + T.exp($1 - m) })
    for c in 0..<C { x[flat: r * C + c] -= lse }
  }
  return x
}

private func ints(_ shape: [Int], _ v: [Int]) -> Tensor<Int64> {
  (try? Tensor(shape: shape, scalars: v.map(Int64.init))) ?? Tensor(0)
}

private func padded(_ labels: [[Int]], width: Int, fill: Int = -1) -> Tensor<Int64> {
  ints([labels.count, width], labels.flatMap { $0 + Array(repeating: fill, count: width - $0.count) })
}

private func concatenated(_ labels: [[Int]]) -> Tensor<Int64> {
  let flat = labels.flatMap { $0 }
  return ints([flat.count], flat)
}

/// Collapse of a frame labelling: merge repeats, drop blanks.
private func collapse(_ path: [Int], blank: Int) -> [Int] {
  var out: [Int] = []
  var prev = -1
  for k in path {
    if k != prev && k != blank { out.append(k) }
    prev = k
  }
  return out
}

/// A random batch: lengths, labels (none equal to blank), log-probabilities.
private struct Batch {
  var T: Int, N: Int, C: Int, blank: Int
  var il: [Int], tl: [Int], labels: [[Int]]
  var lp: Tensor<Double>

  init(seed: UInt64, T: Int = 7, N: Int = 4, C: Int = 5, blank: Int = 0) {
    var rng = SeededRandom(seed: seed)
    self.T = T
    self.N = N
    self.C = C
    self.blank = blank
    il = (0..<N).map { _ in Int.random(in: 0...T, using: &rng) }
    tl = (0..<N).map { _ in Int.random(in: 0...3, using: &rng) }
    let choices = (0..<C).filter { $0 != blank }
    labels = tl.map { n in (0..<n).map { _ in choices.randomElement(using: &rng) ?? 1 } }
    lp = randomLogProbs([T, N, C], using: &rng)
  }
}

@Suite struct CTCLossTests {
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func paddedAndConcatenatedTargetsAgree(seed: UInt64) throws {
    let b = Batch(seed: seed, blank: Int(seed % 3))
    for reduction in [Reduction.none, .mean, .sum] {
      let loss = CTCLoss(blank: b.blank, reduction: reduction)
      let g: Tensor<Double>? =
        reduction == .none ? try Tensor(shape: [b.N], scalars: (0..<b.N).map { Double($0) - 1.5 }) : nil
      let p = try loss.valueWithGradient(
        b.lp, padded(b.labels, width: 4), inputLengths: ints([b.N], b.il),
        targetLengths: ints([b.N], b.tl), gradOutput: g)
      let c = try loss.valueWithGradient(
        b.lp, concatenated(b.labels), inputLengths: ints([b.N], b.il),
        targetLengths: ints([b.N], b.tl), gradOutput: g)
      #expect(disagreement(p.value, c.value, rtol: 0, atol: 0) == nil)
      let gp = try #require(p.gradients["log_probs"])
      let gc = try #require(c.gradients["log_probs"])
      #expect(disagreement(gp, gc, rtol: 0, atol: 0) == nil)
    }
  }

  @Test(arguments: [5, 6, 7] as [UInt64])
  func permutingTheBatchPermutesNone(seed: UInt64) throws {
    let b = Batch(seed: seed)
    let perm = [2, 0, 3, 1]
    var lpP = b.lp
    for t in 0..<b.T {
      for (j, i) in perm.enumerated() {
        for c in 0..<b.C {
          lpP[flat: (t * b.N + j) * b.C + c] = b.lp.scalars[(t * b.N + i) * b.C + c]
        }
      }
    }
    let g = try Tensor<Double>(shape: [4], scalars: [0.5, -1, 2, 0.25])
    let gP = try Tensor<Double>(shape: [4], scalars: perm.map { g.scalars[$0] })
    let loss = CTCLoss(reduction: .none)
    let v = try loss.valueWithGradient(
      b.lp, padded(b.labels, width: 3), inputLengths: ints([4], b.il),
      targetLengths: ints([4], b.tl), gradOutput: g)
    let w = try loss.valueWithGradient(
      lpP, padded(perm.map { b.labels[$0] }, width: 3), inputLengths: ints([4], perm.map { b.il[$0] }),
      targetLengths: ints([4], perm.map { b.tl[$0] }), gradOutput: gP)
    for (j, i) in perm.enumerated() {
      #expect(v.value.scalars[i] == w.value.scalars[j])
      for t in 0..<b.T {
        for c in 0..<b.C {
          let x = v.gradients["log_probs"]?.scalars[(t * 4 + i) * b.C + c] ?? .nan
          let y = w.gradients["log_probs"]?.scalars[(t * 4 + j) * b.C + c] ?? 0
          #expect(x == y || (x.isNaN && y.isNaN))
        }
      }
    }
  }

  /// Brute force over every frame labelling (T ≤ 6, C ≤ 3): the loss and
  /// PyTorch's gradient exp(lp) − γ.
  @Test(arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
  func bruteForceOverAlignments(seed: UInt64) throws {
    var rng = SeededRandom(seed: seed)
    let T = Int.random(in: 1...6, using: &rng)
    let C = 3
    let blank = Int(seed % 3)
    let choices = (0..<C).filter { $0 != blank }
    let n = Int.random(in: 0...3, using: &rng)
    let labels = (0..<n).map { _ in choices.randomElement(using: &rng) ?? 1 }
    let lp: Tensor<Double> = randomLogProbs([T, C], normalized: seed % 2 == 0, using: &rng)
    var z = 0.0
    var occ = [Double](repeating: 0, count: T * C)
    var path = [Int](repeating: 0, count: T)
    for code in 0..<Int(pow(Double(C), Double(T))) {
      var k = code
      for t in 0..<T {
        path[t] = k % C
        k /= C
      }
      guard collapse(path, blank: blank) == labels else { continue }
      let p = exp((0..<T).reduce(0.0) { $0 + lp.scalars[$1 * C + path[$1]] })
      z += p
      for t in 0..<T { occ[t * C + path[t]] += p }
    }
    let v = try CTCLoss(blank: blank, reduction: .sum).valueWithGradient(
      lp, ints([n], labels), inputLengths: ints([], [T]), targetLengths: ints([], [n]))
    let grad = try #require(v.gradients["log_probs"])
    if z == 0 {
      #expect(v.value.scalars[0] == .infinity)
      #expect(grad.scalars.allSatisfy { $0.isNaN })
      return
    }
    #expect(abs(v.value.scalars[0] + log(z)) <= 1e-12 * max(1, abs(log(z))))
    for i in 0..<(T * C) {
      let want = exp(lp.scalars[i]) - occ[i] / z
      #expect(abs(grad.scalars[i] - want) <= 1e-12, "element \(i)")
    }
  }

  /// PyTorch's gradient minus exp(log_probs)·g_b (frames t < I) is the plain
  /// partial derivative: checked by finite differences.
  @Test(arguments: [Reduction.none, .mean, .sum])
  func pytorchFormMinusExpIsTheFiniteDifferencePartial(reduction: Reduction) throws {
    var b = Batch(seed: 21, T: 6, N: 3, C: 4)
    b.il = [6, 4, 5]
    b.tl = [2, 1, 0]
    b.labels = [[1, 1], [3], []]
    b.lp = { var r = SeededRandom(seed: 5); return randomLogProbs([6, 3, 4], normalized: false, using: &r) }()
    let g: Tensor<Double>? = reduction == .none ? try Tensor(shape: [3], scalars: [0.3, -1.1, 0.8]) : nil
    let gb: [Double] = {
      switch reduction {
      case .none: return [0.3, -1.1, 0.8]
      case .sum: return [1, 1, 1]
      case .mean: return (0..<3).map { 1.0 / 3 / Double(max(b.tl[$0], 1)) }
      }
    }()
    let loss = CTCLoss(reduction: reduction)
    let problems = finiteDifferenceProblems(inputs: ["log_probs": b.lp], gradOutput: g) {
      v throws(LossError) in
      let x = v["log_probs"] ?? Tensor(0)
      var r = try loss.valueWithGradient(
        x, padded(b.labels, width: 2), inputLengths: ints([3], b.il),
        targetLengths: ints([3], b.tl), gradOutput: g)
      if var grad = r.gradients["log_probs"] {
        for t in 0..<6 {
          for n in 0..<3 where t < b.il[n] {
            for c in 0..<4 {
              let i = (t * 3 + n) * 4 + c
              grad[flat: i] -= exp(x.scalars[i]) * gb[n]
            }
          }
        }
        r.gradients["log_probs"] = grad
      }
      return r
    }
    #expect(problems.isEmpty, "\(problems)")
    // And the form itself is not the partial for unnormalised inputs.
    let plain = finiteDifferenceProblems(inputs: ["log_probs": b.lp], gradOutput: g) {
      v throws(LossError) in
      try loss.valueWithGradient(
        v["log_probs"] ?? Tensor(0), padded(b.labels, width: 2), inputLengths: ints([3], b.il),
        targetLengths: ints([3], b.tl), gradOutput: g)
    }
    #expect(!plain.isEmpty)
  }

  @Test func infeasibleSamplesAndZeroInfinity() throws {
    let b = Batch(seed: 31, T: 5, N: 3, C: 4)
    let labels = [[1, 1], [2], [3, 1]]
    let il = [2, 5, 0]  // [1, 1] needs 3 frames; input_length 0 with a label
    let tl = [2, 1, 2]
    for zi in [false, true] {
      let v = try CTCLoss(reduction: .none, zeroInfinity: zi).valueWithGradient(
        b.lp, padded(labels, width: 2), inputLengths: ints([3], il), targetLengths: ints([3], tl),
        gradOutput: Tensor(shape: [3], scalars: [1, 1, 1]))
      let grad = try #require(v.gradients["log_probs"])
      func at(_ t: Int, _ n: Int, _ c: Int) -> Double { grad.scalars[(t * 3 + n) * 4 + c] }
      #expect(v.value.scalars[0] == (zi ? 0 : .infinity))
      #expect(v.value.scalars[2] == (zi ? 0 : .infinity))
      #expect(v.value.scalars[1].isFinite)
      for t in 0..<5 {
        for c in 0..<4 {
          if t < 2 && !zi { #expect(at(t, 0, c).isNaN) } else { #expect(at(t, 0, c) == 0) }
          #expect(at(t, 2, c) == 0)
          #expect(at(t, 1, c).isFinite)
        }
      }
      let mean = try CTCLoss(reduction: .mean, zeroInfinity: zi)(
        b.lp, padded(labels, width: 2), inputLengths: ints([3], il), targetLengths: ints([3], tl))
      if zi {
        #expect(abs(mean.scalars[0] - v.value.scalars[1] / 1 / 3) <= 1e-15)
      } else {
        #expect(mean.scalars[0] == .infinity)
      }
    }
  }

  @Test func emptyTargetIsMinusTheSumOfBlankLogProbs() throws {
    let b = Batch(seed: 41, T: 6, N: 2, C: 4, blank: 2)
    let v = try CTCLoss(blank: 2, reduction: .none)(
      b.lp, ints([0], []), inputLengths: ints([2], [6, 3]), targetLengths: ints([2], [0, 0]))
    for (n, I) in [6, 3].enumerated() {
      let want = -(0..<I).reduce(0.0) { $0 + b.lp.scalars[($1 * 2 + n) * 4 + 2] }
      #expect(abs(v.scalars[n] - want) <= 1e-13)
    }
  }

  @Test func meanDividesByClampedTargetLengthsOverAllSamples() throws {
    let b = Batch(seed: 51)
    let args = (padded(b.labels, width: 3), ints([b.N], b.il), ints([b.N], b.tl))
    let none = try CTCLoss(reduction: .none)(b.lp, args.0, inputLengths: args.1, targetLengths: args.2)
    let mean = try CTCLoss(reduction: .mean)(b.lp, args.0, inputLengths: args.1, targetLengths: args.2)
    let sum = try CTCLoss(reduction: .sum)(b.lp, args.0, inputLengths: args.1, targetLengths: args.2)
    let want = (0..<b.N).reduce(0.0) { $0 + none.scalars[$1] / Double(max(b.tl[$1], 1)) } / Double(b.N)
    #expect(abs(mean.scalars[0] - want) <= 1e-12 * max(1, abs(want)) || (mean.scalars[0] == want))
    let total = none.scalars.reduce(0, +)
    #expect(abs(sum.scalars[0] - total) <= 1e-12 * max(1, abs(total)) || sum.scalars[0] == total)
  }

  @Test func unbatchedMatchesABatchOfOne() throws {
    var rng = SeededRandom(seed: 61)
    let lp: Tensor<Double> = randomLogProbs([6, 4], using: &rng)
    let lp3 = try lp.reshaped([6, 1, 4])
    let u = try CTCLoss(reduction: .none).valueWithGradient(
      lp, ints([2], [3, 1]), inputLengths: ints([], [5]), targetLengths: ints([], [2]),
      gradOutput: Tensor(0.7))
    let b = try CTCLoss(reduction: .none).valueWithGradient(
      lp3, ints([1, 3], [3, 1, 0]), inputLengths: ints([1], [5]), targetLengths: ints([1], [2]),
      gradOutput: Tensor(shape: [1], scalars: [0.7]))
    #expect(u.value.shape == [])
    #expect(u.value.scalars == b.value.scalars)
    #expect(u.gradients["log_probs"]?.shape == [6, 4])
    #expect(u.gradients["log_probs"]?.scalars == b.gradients["log_probs"]?.scalars)
  }

  /// T = 1000, S = 200, C = 50 in Float: finite, and close to the Double run.
  @Test func longSequenceInFloatNeitherUnderflowsNorTurnsNaN() throws {
    var rng = SeededRandom(seed: 71)
    let lpD: Tensor<Double> = randomLogProbs([1000, 1, 50], using: &rng)
    let lpF = try Tensor<Float>(shape: lpD.shape, scalars: lpD.scalars.map { Float($0) })
    let lpD2 = try Tensor<Double>(shape: lpD.shape, scalars: lpF.scalars.map { Double($0) })
    let labels = (0..<200).map { _ in Int.random(in: 1..<50, using: &rng) }
    let args = (ints([1, 200], labels), ints([1], [1000]), ints([1], [200]))
    let f = try CTCLoss(reduction: .sum).valueWithGradient(
      lpF, args.0, inputLengths: args.1, targetLengths: args.2)
    let d = try CTCLoss(reduction: .sum).valueWithGradient(
      lpD2, args.0, inputLengths: args.1, targetLengths: args.2)
    let gf = try #require(f.gradients["log_probs"])
    let gd = try #require(d.gradients["log_probs"])
    #expect(f.value.scalars[0].isFinite && f.value.scalars[0] > 1000)
    #expect(abs(Double(f.value.scalars[0]) - d.value.scalars[0]) <= 1e-6 * d.value.scalars[0])
    #expect(gf.scalars.allSatisfy { $0.isFinite })
    var worst = 0.0
    for i in 0..<gf.count { worst = max(worst, abs(Double(gf.scalars[i]) - gd.scalars[i])) }
    #expect(worst < 5e-4, "worst gradient difference \(worst)")
  }

  @Test func labelEqualToBlankIsAcceptedAndPaddingIsNotRead() throws {
    let b = Batch(seed: 81, T: 5, N: 2, C: 4)
    let v = try CTCLoss(reduction: .none)(
      b.lp, ints([2, 3], [0, 2, 99, 1, -5, 7]), inputLengths: ints([2], [5, 5]),
      targetLengths: ints([2], [2, 1]))
    #expect(v.scalars.allSatisfy { $0.isFinite })
  }

  @Test func refusals() {
    let b = Batch(seed: 91, T: 5, N: 2, C: 4)
    let lp = b.lp
    let tg = padded([[1, 2], [3]], width: 2)
    let il = ints([2], [5, 4])
    let tl = ints([2], [2, 1])
    func kind(
      _ lp: Tensor<Double>, _ tg: Tensor<Int64>, _ il: Tensor<Int64>, _ tl: Tensor<Int64>,
      blank: Int = 0
    ) -> LossError.Kind? {
      do {
        _ = try CTCLoss(blank: blank)(lp, tg, inputLengths: il, targetLengths: tl)
        return nil
      } catch {
        return error.kind
      }
    }
    #expect(kind(lp, tg, il, tl) == nil)
    #expect(kind(lp, tg, ints([2], [6, 4]), tl) == .valueOutOfDomain)
    #expect(kind(lp, tg, ints([2], [5, -1]), tl) == .valueOutOfDomain)
    #expect(kind(lp, tg, il, ints([2], [-1, 1])) == .valueOutOfDomain)
    #expect(kind(lp, tg, il, ints([2], [3, 1])) == .shapeMismatch)
    #expect(kind(lp, ints([4], [1, 2, 3, 1]), il, tl) == .shapeMismatch)
    #expect(kind(lp, tg, ints([1], [5]), tl) == .shapeMismatch)
    #expect(kind(lp, tg, il, ints([3], [1, 1, 1])) == .shapeMismatch)
    #expect(kind(lp, padded([[1], [2], [3]], width: 1), il, ints([2], [1, 1])) == .shapeMismatch)
    #expect(kind(lp, tg, il, tl, blank: 4) == .invalidOption)
    #expect(kind(lp, tg, il, tl, blank: -1) == .invalidOption)
    #expect(kind(lp, padded([[1, 4], [3]], width: 2), il, tl) == .indexOutOfRange)
    #expect(kind(lp, ints([3], [1, -1, 3]), il, tl) == .indexOutOfRange)
    let empty = (try? Tensor<Double>(repeating: 0, shape: [5, 0, 4])) ?? Tensor(0)
    #expect(kind(empty, ints([0, 2], []), ints([0], []), ints([0], [])) == .shapeMismatch)
    let noFrames = (try? Tensor<Double>(repeating: 0, shape: [0, 2, 4])) ?? Tensor(0)
    #expect(kind(noFrames, tg, ints([2], [0, 0]), ints([2], [0, 0])) == .shapeMismatch)
    #expect(kind(Tensor(1.0), tg, il, tl) == .shapeMismatch)
    do {
      _ = try CTCLoss()(lp, padded([[1, 7], [3]], width: 2), inputLengths: il, targetLengths: tl)
    } catch {
      #expect(error.message.contains("7") && error.message.contains("targets"))
    }
  }
}
