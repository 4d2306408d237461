import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct NLLLossTests {
  @Test(arguments: [1, 2] as [UInt64])
  func reductionsAgreeWithoutWeights(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([6, 4], in: -3...0, using: &rng)
    let t = Tensor<Int64>.randomIndices([6], in: 0..<4, using: &rng)
    let problems = reductionProblems(denominator: 6) { r throws(LossError) in
      try NLLLoss(reduction: r)(x, t)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func weightedMeanDividesByTheKeptWeights() throws {
    let x = try Tensor<Double>(shape: [3, 2], scalars: [-1, -2, -3, -4, -5, -6])
    let t = try Tensor<Int64>(shape: [3], scalars: [0, 1, 1])
    let w = try Tensor<Double>(shape: [2], scalars: [2, 0.5])
    // Row 2 is ignored: (2·1 + 0.5·4) / (2 + 0.5).
    let v = try NLLLoss(weight: w, ignoreIndex: 1, reduction: .mean)(x, t)
    #expect(v.scalars == [2.0 / 2.0])
    let v2 = try NLLLoss(weight: w, reduction: .mean)(x, t)
    #expect(abs(v2.scalars[0] - (2 + 2 + 3) / 3.0) < 1e-15)
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func gradientsMatchFiniteDifferences(reduction: Reduction) {
    var rng = SeededRandom(seed: 17)
    let x = Tensor<Double>.random([2, 3, 2, 2], in: -3...0, using: &rng)
    var t = Tensor<Int64>.randomIndices([2, 2, 2], in: 0..<3, using: &rng)
    t[flat: 5] = 7
    let w = Tensor<Double>.random([3], in: 0.25...2, using: &rng)
    let g = reduction == .none ? Tensor<Double>.random([2, 2, 2], using: &rng) : nil
    let loss = NLLLoss(weight: w, ignoreIndex: 7, reduction: reduction)
    let problems = finiteDifferenceProblems(inputs: ["input": x], gradOutput: g) {
      v throws(LossError) in
      try loss.valueWithGradient(v["input"] ?? Tensor(0), t, gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func ignoredRowsContributeNothingAndAllIgnoredIsNaN() throws {
    var rng = SeededRandom(seed: 5)
    let x = Tensor<Double>.random([4, 3], using: &rng)
    let t = try Tensor<Int64>(shape: [4], scalars: [2, -100, 0, -100])
    let v = try NLLLoss(reduction: .sum).valueWithGradient(x, t)
    let dx = v.gradients.input?.scalars ?? []
    #expect(dx.count == 12 && dx[3..<6].allSatisfy { $0 == 0 } && dx[9..<12].allSatisfy { $0 == 0 })
    let kept = try NLLLoss(reduction: .sum)(
      ClassTests.rows(x, [0, 2]), Tensor(shape: [2], scalars: [2, 0]))
    #expect(v.value == kept)
    let all = try Tensor<Int64>(shape: [4], scalars: [-100, -100, -100, -100])
    let m = try NLLLoss().valueWithGradient(x, all)
    #expect(m.value.scalars[0].isNaN)
    #expect(m.gradients.input?.scalars.allSatisfy { $0 == 0 } == true)
  }

  @Test func emptyBatch() throws {
    let x = try Tensor<Float>(repeating: 0, shape: [0, 3])
    let t = try Tensor<Int64>(repeating: 0, shape: [0])
    #expect(try NLLLoss(reduction: .mean)(x, t).scalars[0].isNaN)
    #expect(try NLLLoss(reduction: .sum)(x, t).scalars == [0])
    #expect(try NLLLoss(reduction: .none)(x, t).shape == [0])
  }

  @Test func permutingTheBatchPermutesNoneOutputs() throws {
    var rng = SeededRandom(seed: 9)
    let x = Tensor<Double>.random([5, 4], using: &rng)
    let t = Tensor<Int64>.randomIndices([5], in: 0..<4, using: &rng)
    let perm = [4, 2, 0, 3, 1]
    let w = Tensor<Double>.random([4], in: 0.5...2, using: &rng)
    let a = try NLLLoss(weight: w, reduction: .none)(x, t)
    let b = try NLLLoss(weight: w, reduction: .none)(ClassTests.rows(x, perm), ClassTests.rows(t, perm))
    #expect(b.scalars == perm.map { a.scalars[$0] })
  }

  @Test func refusals() throws {
    let x = try Tensor<Double>(repeating: -1, shape: [2, 3])
    #expect(throws: LossError.self) { try NLLLoss()(x, Tensor(shape: [2], scalars: [0, 3])) }
    do {
      _ = try NLLLoss()(x, Tensor(shape: [2], scalars: [-1, 0]))
      Issue.record("a target of -1 was accepted")
    } catch {
      #expect(error.kind == .indexOutOfRange && error.message.contains("-1"))
    }
    do {
      _ = try NLLLoss()(Tensor<Double>(-1), Tensor<Int64>(0))
      Issue.record("a 0-d input was accepted")
    } catch {
      #expect(error.kind == .shapeMismatch)
    }
    // An ignore index outside [0, C) is fine.
    #expect(try NLLLoss(ignoreIndex: 3, reduction: .sum)(x, Tensor(shape: [2], scalars: [3, 1])).scalars == [1])
  }
}
