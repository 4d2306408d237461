import LossCheck

/// Central finite differences of a scalar function along direction `v`:
/// (f(x + h·v) − f(x − h·v)) / 2h, for checking a VJP's dot product.
public func directionalDerivative(
  at x: Tensor<Double>, along v: Tensor<Double>, h: Double = 1e-6,
  _ f: (Tensor<Double>) throws -> Double
) rethrows -> Double {
  func shifted(_ s: Double) -> Tensor<Double> {
    var y = x
    for i in 0..<y.count { y[flat: i] += s * v.scalars[i] }
    return y
  }
  return (try f(shifted(h)) - f(shifted(-h))) / (2 * h)
}

/// Checks the VJP `grad` of `f` at `x` against finite differences in a
/// random direction: ⟨grad, v⟩ ≈ d/dh f(x + h·v), within `tolerance`
/// relative to max(1, |⟨grad, v⟩|). `f` must already contract its output
/// with the cotangent that produced `grad`. Returns the disagreement, or
/// nil.
public func gradientDisagreement(
  of f: (Tensor<Double>) throws -> Double, at x: Tensor<Double>,
  grad: Tensor<Double>, seed: UInt64, tolerance: Double = 1e-6
) rethrows -> String? {
  guard grad.shape == x.shape else {
    return "gradient shape \(grad.shape), argument shape \(x.shape)"
  }
  var rng = SeededRandom(seed: seed)
  let v = Tensor<Double>.random(x.shape, in: -1...1, using: &rng)
  let numeric = try directionalDerivative(at: x, along: v, f)
  var analytic = 0.0
  for i in 0..<x.count { analytic += grad.scalars[i] * v.scalars[i] }
  if isClose(numeric, analytic, rtol: tolerance, atol: tolerance) { return nil }
  return "finite differences give \(numeric), the VJP \(analytic)"
}

/// ⟨output, cotangent⟩: contracts a loss output with its cotangent (the
/// plain sum when there is none).
public func contract(_ out: Tensor<Double>, _ g: Tensor<Double>?) -> Double {
  guard let g else { return out.scalars.reduce(0, +) }
  var s = 0.0
  for i in 0..<out.count { s += out.scalars[i] * g.scalars[i] }
  return s
}
