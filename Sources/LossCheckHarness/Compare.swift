import Foundation

/// The element where a result is furthest from the golden, relative to the
/// tolerance.
public struct Discrepancy: Sendable {
  /// "output" or "grads.<name>".
  public var field: String
  /// The element's multi-index in the tensor.
  public var index: [Int]
  public var expected: Double
  public var actual: Double
  public var absoluteError: Double
  public var relativeError: Double
  /// Units in the last place of the case dtype between the two values
  /// (nil when either is not finite).
  public var ulps: UInt64?
  /// |actual − expected| / (atol + rtol·|expected|): above 1 fails.
  public var ratio: Double

  public var summary: String {
    let u = ulps.map { "\($0)" } ?? "-"
    return
      "\(field)\(index) expected \(expected) got \(actual) abs \(fmt(absoluteError)) rel \(fmt(relativeError)) ulps \(u)"
  }
}

func fmt(_ x: Double) -> String { String(format: "%.3g", x) }

/// The judgement of one result against its golden case.
public struct Verdict: Sendable {
  public var id: String
  public var loss: String
  public var dtype: String
  public var passed: Bool
  /// What is wrong, one line each (empty when passed).
  public var problems: [String]
  /// The worst element over output and gradients, when values were compared.
  public var worst: Discrepancy?

  /// The worst error as a fraction of the tolerance (0 when exact).
  public var worstRatio: Double { worst?.ratio ?? 0 }
}

public enum Judge {
  /// Compares a backend's result with the case's expectation.
  ///
  /// NaN matches NaN, an infinity matches the same infinity, and an
  /// expected error must come back as an error of the same kind.
  public static func verdict(
    _ c: Case, _ r: CaseResult, tolerance tol: Tolerance
  ) -> Verdict {
    var v = Verdict(
      id: c.id, loss: c.loss, dtype: c.dtype.rawValue, passed: true,
      problems: [], worst: nil)
    func fail(_ s: String) {
      v.passed = false
      v.problems.append(s)
    }
    if r.id != c.id {
      fail("result id \"\(r.id)\" is not the case's")
    }
    switch (c.expected, r.outcome) {
    case (nil, _):
      fail("the case has no expected result")
    case (.error(let kind, _)?, .error(let got, _)):
      if kind != got { fail("expected error \(kind), got error \(got)") }
    case (.error(let kind, _)?, .value):
      fail("expected error \(kind), got a value")
    case (.value?, .error(let kind, let message)):
      fail("expected a value, got error \(kind): \(message)")
    case (.value(let eo, let eg)?, .value(let ao, let ag)):
      compare("output", eo, ao, tol, &v)
      for name in eg.keys.sorted() {
        guard let e = eg[name] else { continue }
        guard let a = ag[name] else {
          fail("no gradient for \(name)")
          continue
        }
        compare("grads.\(name)", e, a, tol, &v)
      }
    }
    return v
  }

  static func compare(
    _ field: String, _ e: AnyTensor, _ a: AnyTensor, _ tol: Tolerance,
    _ v: inout Verdict
  ) {
    guard e.shape == a.shape else {
      v.passed = false
      v.problems.append("\(field): shape \(a.shape), expected \(e.shape)")
      return
    }
    if e.dtype != a.dtype {
      v.passed = false
      v.problems.append(
        "\(field): dtype \(a.dtype.rawValue), expected \(e.dtype.rawValue)")
    }
    let ev = e.doubles
    let av = a.doubles
    var worst: Discrepancy? = nil
    for i in 0..<ev.count {
      let x = ev[i]
      let y = av[i]
      let ratio: Double
      if x.isNaN || y.isNaN {
        ratio = (x.isNaN && y.isNaN) ? 0 : .infinity
      } else if x.isInfinite || y.isInfinite {
        ratio = x == y ? 0 : .infinity
      } else {
        let allowed = tol.atol + tol.rtol * abs(x)
        let err = abs(y - x)
        ratio = err == 0 ? 0 : (allowed > 0 ? err / allowed : .infinity)
      }
      if ratio > (worst?.ratio ?? 0) {
        let err = abs(y - x)
        worst = Discrepancy(
          field: field, index: unravel(i, e.shape), expected: x, actual: y,
          absoluteError: err, relativeError: x == 0 ? err : err / abs(x),
          ulps: ulpDistance(x, y, e.dtype), ratio: ratio)
      }
    }
    if let w = worst {
      if w.ratio > v.worstRatio { v.worst = w }
      if w.ratio > 1 {
        v.passed = false
        v.problems.append(w.summary)
      }
    }
  }

  static func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var i = flat
    var index = Array(repeating: 0, count: shape.count)
    for k in stride(from: shape.count - 1, through: 0, by: -1) where shape[k] > 0 {
      index[k] = i % shape[k]
      i /= shape[k]
    }
    return index
  }

  /// The number of representable values of `dtype` between x and y.
  public static func ulpDistance(_ x: Double, _ y: Double, _ dtype: DType) -> UInt64? {
    guard x.isFinite, y.isFinite else { return nil }
    if dtype == .float32 {
      func key(_ f: Float) -> Int64 {
        let b = Int64(f.bitPattern)
        return f.sign == .minus ? -(b & 0x7FFF_FFFF) : b
      }
      let d = key(Float(x)) - key(Float(y))
      return d.magnitude
    }
    func key(_ f: Double) -> Int64 {
      let b = Int64(bitPattern: f.bitPattern & 0x7FFF_FFFF_FFFF_FFFF)
      return f.sign == .minus ? -b : b
    }
    let (d, o) = key(x).subtractingReportingOverflow(key(y))
    return o ? UInt64.max : d.magnitude
  }
}
