import LossCheck
import Testing

// The one approximate-equality rule of the tests: |a − b| ≤ atol + rtol·|b|,
// NaN equal to NaN, infinities equal by sign (through a == b).

/// Whether `a` is within `atol + rtol·|b|` of `b`; NaN matches only NaN and
/// an infinity only the same infinity. `rtol = atol = 0` is exact equality
/// with NaN equal to NaN.
public func isClose(
  _ a: Double, _ b: Double, rtol: Double = 1e-12, atol: Double = 1e-12
) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
  if a == b { return true }
  return abs(a - b) <= atol + rtol * abs(b)
}

/// The first element where `a` and `b` differ by ``isClose(_:_:rtol:atol:)``
/// (or a count mismatch), described; nil when they agree.
public func disagreement(
  _ a: [Double], _ b: [Double], rtol: Double = 1e-12, atol: Double = 1e-12
) -> String? {
  guard a.count == b.count else { return "\(a.count) vs \(b.count) elements" }
  for i in 0..<a.count where !isClose(a[i], b[i], rtol: rtol, atol: atol) {
    return "element \(i): \(a[i]) vs \(b[i])"
  }
  return nil
}

/// The first disagreement of two tensors, in shape or (by
/// ``isClose(_:_:rtol:atol:)``) in an element, described; nil when they
/// agree. A missing tensor (nil) disagrees with everything.
public func disagreement<T: LossScalar>(
  _ a: Tensor<T>?, _ b: Tensor<T>?, rtol: Double = 1e-12, atol: Double = 1e-12
) -> String? {
  guard let a, let b else { return "missing tensor" }
  guard a.shape == b.shape else { return "shape \(a.shape) vs \(b.shape)" }
  return disagreement(
    a.scalars.map(Double.init), b.scalars.map(Double.init), rtol: rtol,
    atol: atol)
}

/// Records an issue at the caller when `a` and `b` disagree (see
/// ``disagreement(_:_:rtol:atol:)-tensors``).
public func expectClose<T: LossScalar>(
  _ a: Tensor<T>?, _ b: Tensor<T>?, rtol: Double = 1e-12,
  atol: Double = 1e-12, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  if let problem = disagreement(a, b, rtol: rtol, atol: atol) {
    Issue.record("\(what) \(problem)", sourceLocation: sourceLocation)
  }
}

/// Records an issue at the caller when the numbers `a` and `b` are not
/// close (see ``isClose(_:_:rtol:atol:)``).
public func expectClose(
  _ a: Double, _ b: Double, rtol: Double = 1e-12, atol: Double = 1e-12,
  _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  if !isClose(a, b, rtol: rtol, atol: atol) {
    Issue.record("\(what) \(a) vs \(b)", sourceLocation: sourceLocation)
  }
}

/// Whether `a` and `b` hold the same numbers exactly, NaN equal to NaN
/// (``isClose(_:_:rtol:atol:)`` with no tolerance).
public func sameScalars(_ a: [Double], _ b: [Double]) -> Bool {
  disagreement(a, b, rtol: 0, atol: 0) == nil
}
