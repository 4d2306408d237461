import Glibc
import LossCheck
import LossCheckTestSupport
import Testing

/// The VectorMath kernels against the platform libm: every special and
/// boundary value plus ~10^5 arguments per function and type, within
/// 2 ULPs (the release sweep, `vectormath-accuracy`, does 10^7; see
/// docs/VECTOR_MATH.md).
@Suite struct VectorMathTests {
  enum Fn: String, CaseIterable, Sendable { case exp, expm1, log, log1p }

  static let bound: Int64 = 2
  static let randomCount = 100_000

  /// Ordered-bits ULP distance; two NaNs are 0 apart, NaN and a number
  /// infinitely far.
  static func ulps(_ a: Float, _ b: Float) -> Int64 {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
    func o(_ x: Float) -> Int64 {
      let m = Int64(x.bitPattern & 0x7fff_ffff)
      return x.sign == .minus ? -m : m
    }
    return abs(o(a) - o(b))
  }

  static func ulps(_ a: Double, _ b: Double) -> Int64 {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
    func o(_ x: Double) -> Int64 {
      let m = Int64(bitPattern: x.bitPattern & 0x7fff_ffff_ffff_ffff)
      return x.sign == .minus ? -m : m
    }
    let d = o(a).subtractingReportingOverflow(o(b))
    return d.overflow ? .max : abs(d.partialValue)
  }

  static func libm(_ f: Fn, _ x: Float) -> Float {
    switch f {
    case .exp: expf(x)
    case .expm1: expm1f(x)
    case .log: logf(x)
    case .log1p: log1pf(x)
    }
  }

  static func libm(_ f: Fn, _ x: Double) -> Double {
    switch f {
    case .exp: Glibc.exp(x)
    case .expm1: Glibc.expm1(x)
    case .log: Glibc.log(x)
    case .log1p: Glibc.log1p(x)
    }
  }

  static func bulk<T: VectorMathScalar>(_ f: Fn, _ x: [T]) -> [T] {
    switch f {
    case .exp: VectorMath.exp(x)
    case .expm1: VectorMath.expm1(x)
    case .log: VectorMath.log(x)
    case .log1p: VectorMath.log1p(x)
    }
  }

  /// Specials, thresholds and powers of two, then `randomCount` arguments:
  /// half any bit pattern, half uniform on the function's busy range.
  static func arguments<T: BinaryFloatingPoint>(
    _ f: Fn, _: T.Type, busy: ClosedRange<Double>, thresholds: [Double]
  ) -> [T] where T.RawSignificand: FixedWidthInteger {
    var xs: [T] = [
      0, -0, 1, -1, 0.5, -0.5, 2, .infinity, -.infinity, .nan,
      .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
      .leastNormalMagnitude, T.leastNormalMagnitude.nextDown,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
      T(1).nextUp, T(1).nextDown, T(-1).nextUp, T(-1).nextDown,
      T(2).squareRoot(), T(0.5).squareRoot(), T.ulpOfOne, -T.ulpOfOne,
    ]
    for c in thresholds {
      var x = T(c)
      for _ in 0..<8 { x = x.nextDown }
      for _ in 0..<16 {
        xs.append(x)
        x = x.nextUp
      }
    }
    var p = T.leastNonzeroMagnitude
    while p.isFinite {
      xs += [p, -p, p.nextUp]
      p *= 2
    }
    var rng = SeededRandom(seed: 0x1234_5678 &+ UInt64(f.rawValue.utf8.count))
    func next() -> UInt64 { rng.next() }
    for i in 0..<randomCount {
      if i % 2 == 0 {
        let bits = next()
        xs.append(
          T(
            sign: bits & 1 == 0 ? .plus : .minus,
            exponentBitPattern: T.RawExponent(
              truncatingIfNeeded: (bits >> 1) % (1 << T.exponentBitCount)),
            significandBitPattern: T.RawSignificand(
              truncatingIfNeeded: bits >> 12)))
      } else {
        let u = Double(next() >> 11) / 9_007_199_254_740_992
        xs.append(T(busy.lowerBound + u * (busy.upperBound - busy.lowerBound)))
      }
    }
    return xs
  }

  static func busy(_ f: Fn, float: Bool) -> ClosedRange<Double> {
    switch f {
    case .exp, .expm1: float ? -105...90 : -746...710
    case .log: 0...4
    case .log1p: -1...3
    }
  }

  static let floatThresholds = [88.72283905206835, -103.97208, -87.33654, -1]
  static let doubleThresholds = [
    709.782712893384, -745.1332191019412, -708.3964185322641, -1,
  ]

  @Test(arguments: Fn.allCases)
  func floatWithinBoundOfLibm(_ f: Fn) {
    let xs: [Float] = Self.arguments(
      f, Float.self, busy: Self.busy(f, float: true),
      thresholds: Self.floatThresholds)
    let ys = Self.bulk(f, xs)
    var worst: Int64 = 0
    var at: Float = 0
    for (x, y) in zip(xs, ys) {
      let d = Self.ulps(y, Self.libm(f, x))
      if d > worst { (worst, at) = (d, x) }
    }
    #expect(worst <= Self.bound, "Float \(f)(\(at)): \(worst) ULPs")
  }

  @Test(arguments: Fn.allCases)
  func doubleWithinBoundOfLibm(_ f: Fn) {
    let xs: [Double] = Self.arguments(
      f, Double.self, busy: Self.busy(f, float: false),
      thresholds: Self.doubleThresholds)
    let ys = Self.bulk(f, xs)
    var worst: Int64 = 0
    var at: Double = 0
    for (x, y) in zip(xs, ys) {
      let d = Self.ulps(y, Self.libm(f, x))
      if d > worst { (worst, at) = (d, x) }
    }
    #expect(worst <= Self.bound, "Double \(f)(\(at)): \(worst) ULPs")
  }

  /// The special values exactly, signs of zero included.
  @Test func specialValuesAreExact() {
    func same(_ a: Float, _ b: Float) -> Bool {
      a.isNaN ? b.isNaN : a.bitPattern == b.bitPattern
    }
    func same(_ a: Double, _ b: Double) -> Bool {
      a.isNaN ? b.isNaN : a.bitPattern == b.bitPattern
    }
    let inf = Float.infinity
    let cases: [(Fn, Float, Float)] = [
      (.exp, 0, 1), (.exp, -0.0, 1), (.exp, inf, inf), (.exp, -inf, 0),
      (.exp, 89, inf), (.exp, -104, 0), (.exp, .nan, .nan),
      (.expm1, 0, 0), (.expm1, -0.0, -0.0), (.expm1, inf, inf),
      (.expm1, -inf, -1), (.expm1, 89, inf), (.expm1, -40, -1),
      (.expm1, .nan, .nan),
      (.log, 0, -inf), (.log, -0.0, -inf), (.log, 1, 0), (.log, inf, inf),
      (.log, -1, .nan), (.log, -inf, .nan), (.log, .nan, .nan),
      (.log, -.leastNonzeroMagnitude, .nan),
      (.log1p, 0, 0), (.log1p, -0.0, -0.0), (.log1p, -1, -inf),
      (.log1p, -2, .nan), (.log1p, inf, inf), (.log1p, -inf, .nan),
      (.log1p, .nan, .nan),
      (.log1p, .leastNonzeroMagnitude, .leastNonzeroMagnitude),
      (.expm1, -.leastNonzeroMagnitude, -.leastNonzeroMagnitude),
    ]
    for (f, x, want) in cases {
      let got = Self.bulk(f, [x])[0]
      #expect(same(got, want), "Float \(f)(\(x)) = \(got), want \(want)")
      let gotD = Self.bulk(f, [Double(x)])[0]
      #expect(
        same(gotD, Double(want)) || (f == .exp && x == 89)
          || (f == .expm1 && x == 89) || (f == .exp && x == -104)
          || (x.magnitude == .leastNonzeroMagnitude),
        "Double \(f)(\(x)) = \(gotD), want \(want)")
    }
    #expect(VectorMath.exp(710.0) == .infinity)
    #expect(VectorMath.exp(-746.0) == 0)
    #expect(VectorMath.exp(-745.0) == Glibc.exp(-745.0))  // subnormal
    #expect(VectorMath.exp(-103.0 as Float) == expf(-103))  // subnormal
  }

  /// Every entry point gives the same bits for the same argument: scalar,
  /// 8/16-lane (Float), 4/8-lane (Double), bulk with a tail, in place.
  @Test func entryPointsAgree() {
    let xs: [Float] = (0..<37).map { Float($0) * 0.37 - 6 }
    let bulk = VectorMath.exp(xs)
    var inPlace = xs
    inPlace.withUnsafeMutableBufferPointer { Float.vexp(inPlace: $0) }
    #expect(bulk == inPlace)
    for (i, x) in xs.enumerated() {
      #expect(VectorMath.exp(x) == bulk[i])
    }
    let v16 = SIMD16<Float>(xs[0..<16])
    let e16 = VectorMath.exp(v16)
    for i in 0..<16 { #expect(e16[i] == bulk[i]) }

    let ds: [Double] = (0..<13).map { Double($0) * 0.77 + 1e-3 }
    let logs = VectorMath.log1p(ds)
    let v8 = SIMD8<Double>(ds[0..<8])
    let l8 = VectorMath.log1p(v8)
    for i in 0..<8 { #expect(l8[i] == logs[i]) }
    for (i, x) in ds.enumerated() { #expect(VectorMath.log1p(x) == logs[i]) }
  }
}
