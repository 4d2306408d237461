import LossCheck
import LossCheckTestSupport
import Testing

@Suite struct L1LossTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func reductionsAgree(seed: UInt64) {
    var rng = SeededRandom(seed: seed)
    let x = Tensor<Float>.random([4, 5], using: &rng)
    let t = Tensor<Float>.random([4, 5], using: &rng)
    let problems = reductionProblems(denominator: 20) { r throws(LossError) in
      try L1Loss(reduction: r)(x, t)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(arguments: [Reduction.none, .mean, .sum])
  func gradientsMatchFiniteDifferences(reduction: Reduction) {
    var rng = SeededRandom(seed: 7)
    let inputs = [
      "input": Tensor<Double>.random([3, 4], using: &rng),
      "target": Tensor<Double>.random([3, 4], using: &rng),
    ]
    let g = reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
    let problems = finiteDifferenceProblems(inputs: inputs, gradOutput: g) {
      v throws(LossError) in
      try L1Loss(reduction: reduction).valueWithGradient(
        v["input"] ?? Tensor(0), v["target"] ?? Tensor(0), gradOutput: g)
    }
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func tiesGetZeroGradientAndNaNDifferencesToo() throws {
    let x = try Tensor<Double>(shape: [3], scalars: [1.5, .nan, 2])
    let t = try Tensor<Double>(shape: [3], scalars: [1.5, 0, 1])
    let v = try L1Loss(reduction: .sum).valueWithGradient(x, t)
    #expect(v.gradients.input?.scalars == [0, 0, 1])
    #expect(v.gradients.target?.scalars == [0, 0, -1])
  }

  @Test func broadcastingSumsGradientsBack() throws {
    var rng = SeededRandom(seed: 11)
    let x = Tensor<Double>.random([3, 1], using: &rng)
    let t = Tensor<Double>.random([1, 4], using: &rng)
    let v = try L1Loss(reduction: .sum).valueWithGradient(x, t)
    let xe = try Tensor(shape: [3, 4], scalars: (0..<12).map { x.scalars[$0 / 4] })
    let te = try Tensor(shape: [3, 4], scalars: (0..<12).map { t.scalars[$0 % 4] })
    let e = try L1Loss(reduction: .sum).valueWithGradient(xe, te)
    #expect(disagreement(v.value, e.value) == nil)
    let summed = (0..<3).map { i in
      (0..<4).reduce(0.0) { $0 + (e.gradients.input?.scalars[i * 4 + $1] ?? .nan) }
    }
    #expect(disagreement(v.gradients.input ?? Tensor(0), try Tensor(shape: [3, 1], scalars: summed)) == nil)
  }

  @Test func incompatibleShapesAreRefused() throws {
    let x = try Tensor<Double>(repeating: 1, shape: [3])
    let t = try Tensor<Double>(repeating: 1, shape: [4])
    #expect(throws: LossError.self) { try L1Loss()(x, t) }
    do {
      _ = try L1Loss()(x, t)
    } catch {
      #expect(error.kind == .shapeMismatch)
      #expect(error.message.contains("[3]") && error.message.contains("[4]"))
    }
  }
}
