import LossCheck
import Testing

/// One evaluation point of a loss under test: the reduction, the floating
/// arguments, the cotangent and the gradients asked for.
public struct LossPoint {
  /// The reduction to compute.
  public var reduction: Reduction
  /// The floating arguments.
  public var inputs: [LossInput: Tensor<Double>]
  /// The cotangent of the output (nil: ones).
  public var gradOutput: Tensor<Double>?
  /// The gradients to compute.
  public var wrt: GradientRequest

  /// A point; see the properties.
  public init(
    reduction: Reduction, inputs: [LossInput: Tensor<Double>],
    gradOutput: Tensor<Double>? = nil, wrt: GradientRequest
  ) {
    self.reduction = reduction
    self.inputs = inputs
    self.gradOutput = gradOutput
    self.wrt = wrt
  }

  /// The argument `input`; a NaN scalar when the description lacks it, so
  /// that the checks fail visibly rather than trap.
  public subscript(_ input: LossInput) -> Tensor<Double> {
    inputs[input] ?? Tensor(.nan)
  }
}

/// A declarative description of a loss for
/// ``checkLoss(_:seed:sourceLocation:)``:
/// the loss's call at a smooth point (away from kinks and domain edges) and
/// what its reductions should agree on.
public struct CheckedLoss {
  /// The loss's name, as its refusals name it (`"L1Loss"`).
  public var name: String
  /// The floating arguments at a smooth point, in Double.
  public var inputs: [LossInput: Tensor<Double>]
  /// The arguments whose gradients are checked (all of `inputs` when nil).
  public var differentiated: Set<LossInput>?
  /// The shape of the unreduced (`none`) output.
  public var outputShape: [Int]
  /// What `mean` divides the sum by (the element count for most losses),
  /// or nil to skip the mean check.
  public var meanDenominator: Double?
  /// Whether the loss takes `batchmean` (KLDivLoss); every other loss must
  /// refuse it.
  public var takesBatchmean: Bool
  /// The finite-difference tolerance (relative, and absolute below 1).
  public var tolerance: Double
  /// Calls the loss at a point.
  public var call: (LossPoint) throws(LossError) -> LossValue<Double>

  /// A description; see the properties.
  public init(
    _ name: String, inputs: [LossInput: Tensor<Double>],
    differentiated: Set<LossInput>? = nil, outputShape: [Int],
    meanDenominator: Double?, takesBatchmean: Bool = false,
    tolerance: Double = 1e-6,
    call: @escaping (LossPoint) throws(LossError) -> LossValue<Double>
  ) {
    self.name = name
    self.inputs = inputs
    self.differentiated = differentiated
    self.outputShape = outputShape
    self.meanDenominator = meanDenominator
    self.takesBatchmean = takesBatchmean
    self.tolerance = tolerance
    self.call = call
  }
}

/// The checks every loss shares, each failure recorded at the caller:
///
/// - `none` has `outputShape`; `sum` and `mean` are 0-d; sum = Σ none and
///   mean = sum / `meanDenominator`;
/// - under each of none, mean and sum (and batchmean when the loss takes
///   it), with a random cotangent, every
///   differentiated argument's gradient has its shape and matches central
///   finite differences in a random direction;
/// - a forward-only request gives no gradient, a request for one argument
///   only that one;
/// - `batchmean` is refused with `invalid_option` naming `reduction`,
///   unless the loss takes it.
public func checkLoss(
  _ loss: CheckedLoss, seed: UInt64 = 1,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  func fail(_ message: String) {
    Issue.record("\(loss.name): \(message)", sourceLocation: sourceLocation)
  }
  func point(
    _ r: Reduction, _ inputs: [LossInput: Tensor<Double>],
    _ g: Tensor<Double>?, _ wrt: GradientRequest
  ) -> LossPoint {
    LossPoint(reduction: r, inputs: inputs, gradOutput: g, wrt: wrt)
  }
  do throws(LossError) {
    let none = try loss.call(point(.none, loss.inputs, nil, .none)).value
    let sum = try loss.call(point(.sum, loss.inputs, nil, .none)).value
    let mean = try loss.call(point(.mean, loss.inputs, nil, .none)).value
    if none.shape != loss.outputShape {
      fail("none has shape \(none.shape), expected \(loss.outputShape)")
    }
    if !sum.shape.isEmpty || !mean.shape.isEmpty {
      fail("sum and mean must be 0-d: \(sum.shape), \(mean.shape)")
    }
    let total = none.scalars.reduce(0, +)
    let s = sum.scalars.first ?? .nan
    if !isClose(s, total, rtol: 1e-12, atol: 1e-12) {
      fail("sum \(s) != Σ none \(total)")
    }
    if let d = loss.meanDenominator {
      let m = mean.scalars.first ?? .nan
      if !isClose(m, s / d, rtol: 1e-12, atol: 1e-12) {
        fail("mean \(m) != sum / \(d) = \(s / d)")
      }
    }
  } catch {
    fail("threw \(error)")
  }
  var rng = SeededRandom(seed: seed)
  let names = LossInput.allCases.filter {
    loss.inputs[$0] != nil && loss.differentiated?.contains($0) != false
  }
  let reductions: [Reduction] =
    loss.takesBatchmean
    ? [.none, .mean, .sum, .batchmean] : [.none, .mean, .sum]
  for r in reductions {
    let g = Tensor<Double>.random(
      r == .none ? loss.outputShape : [], in: 0.5...1.5, using: &rng)
    for problem in finiteDifferenceProblems(
      loss, at: point(r, loss.inputs, g, GradientRequest(Set(names))),
      seed: seed)
    {
      fail("\(r): \(problem)")
    }
  }
  do throws(LossError) {
    let forward = try loss.call(point(.sum, loss.inputs, nil, .none))
    if !forward.gradients.inputs.isEmpty {
      fail("a forward-only call gave gradients \(forward.gradients.inputs)")
    }
    if let first = names.first {
      let one = try loss.call(point(.sum, loss.inputs, nil, [first]))
      if one.gradients.inputs != [first] {
        fail("asked for \(first), got \(one.gradients.inputs)")
      }
    }
  } catch {
    fail("threw \(error)")
  }
  if !loss.takesBatchmean {
    let e = refusal { () throws(LossError) in
      try loss.call(point(.batchmean, loss.inputs, nil, .none))
    }
    if e?.kind != .invalidOption || e?.message.contains("batchmean") != true {
      fail(
        "batchmean: expected invalid_option, got "
          + (e.map { "\($0)" } ?? "a value")
      )
    }
  }
}

/// The disagreements between the gradients `loss` gives at `at` (of the
/// arguments `at.wrt` names) and central finite differences of its output
/// contracted with `at.gradOutput`, in a random direction per argument;
/// empty when they all agree.
public func finiteDifferenceProblems(
  _ loss: CheckedLoss, at: LossPoint, seed: UInt64 = 1
) -> [String] {
  let names = LossInput.allCases.filter(at.wrt.contains)
  let value: LossValue<Double>
  do throws(LossError) {
    value = try loss.call(at)
  } catch {
    return ["threw \(error)"]
  }
  var problems: [String] = []
  for (k, name) in names.enumerated() {
    guard let x = at.inputs[name], let grad = value.gradients[name] else {
      problems.append("no gradient for \(name)")
      continue
    }
    let f = { (y: Tensor<Double>) throws -> Double in
      var moved = at
      moved.inputs[name] = y
      moved.wrt = .none
      return contract(try loss.call(moved).value, at.gradOutput)
    }
    do {
      if let p = try gradientDisagreement(
        of: f, at: x, grad: grad, seed: seed &+ UInt64(k) &+ 101,
        tolerance: loss.tolerance)
      {
        problems.append("\(name): \(p)")
      }
    } catch {
      problems.append("threw \(error)")
    }
  }
  return problems
}
