import LossCheck

/// Checks `sum == Σ none` and `mean == sum / denominator` for a loss given
/// as a function of its reduction. Returns the problems found.
public func reductionProblems<T: LossScalar>(
  denominator: Int, rtol: Double = T.self == Float.self ? 1e-5 : 1e-12,
  _ loss: (Reduction) throws(LossError) -> Tensor<T>
) -> [String] {
  do {
    let none = try loss(.none)
    let sum = try loss(.sum)
    let mean = try loss(.mean)
    var problems: [String] = []
    let total = none.scalars.reduce(0.0) { $0 + Double($1) }
    let s = Double(sum.scalars[0])
    let m = Double(mean.scalars[0])
    if abs(s - total) > rtol * max(1, abs(total)) {
      problems.append("sum \(s) != Σ none \(total)")
    }
    let expectedMean = s / Double(denominator)
    if abs(m - expectedMean) > rtol * max(1, abs(expectedMean)) {
      problems.append("mean \(m) != sum/\(denominator) = \(expectedMean)")
    }
    if !sum.shape.isEmpty || !mean.shape.isEmpty {
      problems.append("reduced outputs must be 0-d")
    }
    return problems
  } catch {
    return ["threw \(error)"]
  }
}

/// Checks the gradients of a Double loss against central finite differences
/// for each named input. `evaluate(inputs)` returns the loss value and the
/// gradients (VJPs with cotangent `gradOutput`) at `inputs`.
public func finiteDifferenceProblems(
  inputs: [String: Tensor<Double>], gradOutput: Tensor<Double>?,
  seed: UInt64 = 1, tolerance: Double = 1e-6,
  _ evaluate: ([String: Tensor<Double>]) throws(LossError) -> LossValue<Double>
) -> [String] {
  do {
    let at = try evaluate(inputs)
    var problems: [String] = []
    for (k, name) in inputs.keys.sorted().enumerated() {
      guard let x = inputs[name] else { continue }
      guard let grad = at.gradients[name] else {
        problems.append("no gradient for \(name)")
        continue
      }
      let f = { (y: Tensor<Double>) throws -> Double in
        var moved = inputs
        moved[name] = y
        return contract(try evaluate(moved).value, gradOutput)
      }
      if let p = try gradientDisagreement(
        of: f, at: x, grad: grad, seed: seed &+ UInt64(k), tolerance: tolerance)
      {
        problems.append("\(name): \(p)")
      }
    }
    return problems
  } catch {
    return ["threw \(error)"]
  }
}
