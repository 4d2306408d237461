import LossCheck
import LossCheckHarness

/// Whether `a` and `b` agree elementwise within `rtol`/`atol` (NaN equal to
/// NaN, infinities by sign) and in shape. Returns a description of the
/// first disagreement, or nil.
public func disagreement<T: LossScalar>(
  _ a: Tensor<T>, _ b: Tensor<T>, rtol: Double = 1e-12, atol: Double = 1e-12
) -> String? {
  guard a.shape == b.shape else { return "shape \(a.shape) vs \(b.shape)" }
  for i in 0..<a.count {
    let x = Double(a.scalars[i])
    let y = Double(b.scalars[i])
    if x.isNaN && y.isNaN { continue }
    if x == y { continue }
    if abs(x - y) <= atol + rtol * abs(y) { continue }
    return "element \(i): \(x) vs \(y)"
  }
  return nil
}

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
/// random direction: ⟨grad, v⟩ ≈ d/dh f(x + h·v). `f` must already contract
/// its output with the cotangent that produced `grad`.
public func gradientDisagreement(
  of f: (Tensor<Double>) throws -> Double, at x: Tensor<Double>,
  grad: Tensor<Double>, seed: UInt64, tolerance: Double = 1e-6
) rethrows -> String? {
  var rng = SeededRandom(seed: seed)
  let v = Tensor<Double>.random(x.shape, in: -1...1, using: &rng)
  let numeric = try directionalDerivative(at: x, along: v, f)
  var analytic = 0.0
  for i in 0..<x.count { analytic += grad.scalars[i] * v.scalars[i] }
  let scale = max(1, abs(numeric), abs(analytic))
  if abs(numeric - analytic) <= tolerance * scale { return nil }
  return "finite differences give \(numeric), the VJP \(analytic)"
}

/// ⟨output, cotangent⟩: contracts a loss output with its cotangent.
public func contract(_ out: Tensor<Double>, _ g: Tensor<Double>?) -> Double {
  guard let g else { return out.scalars.reduce(0, +) }
  var s = 0.0
  for i in 0..<out.count { s += out.scalars[i] * g.scalars[i] }
  return s
}
