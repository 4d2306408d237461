// The release-mode accuracy sweep and throughput figures of the VectorMath
// kernels against the platform libm (docs/VECTOR_MATH.md).
//
//   swift run -c release vectormath-accuracy [--count N] [--seed S]
//                             [--bench] [--no-sweep] [--exhaustive-float]
//                             [--functions exp,expm1,log,log1p]
//
// For every function (exp, expm1, log, log1p) and type (Float, Double) it
// evaluates N arguments (default 10^7) through the bulk vector entry point
// and compares each result with libm (expf/exp, …): the worst distance in
// ULPs (ordered-bits distance, so subnormals count their own ULPs and
// ±inf/NaN must match exactly), where it occurred, and how many results
// differ at all. As a second opinion it also reports the worst error
// against a more precise reference (the Double libm for Float, the
// Float80 libm for Double) in fractional ULPs of the correctly rounded
// result. --bench times the bulk kernels against a scalar libm loop on
// 2^22 elements and on 2048 in L1 (thread CPU time, median of 7).
// --exhaustive-float checks every one of the 2^32 Float arguments. Exits 1 if any worst distance exceeds 2 ULPs.

import Glibc
import LossCheck

// MARK: Arguments

struct Options {
  var count = 10_000_000
  var seed: UInt64 = 0x5eed_1234_abcd_0001
  var sweep = true
  var bench = false
  var exhaustive = false
  var functions = Fn.allCases
}

func parseOptions() -> Options {
  var o = Options()
  var args = CommandLine.arguments.dropFirst()
  while let a = args.popFirst() {
    switch a {
    case "--count": o.count = args.popFirst().flatMap { Int($0) } ?? o.count
    case "--seed": o.seed = args.popFirst().flatMap { UInt64($0) } ?? o.seed
    case "--bench": o.bench = true
    case "--no-sweep": o.sweep = false
    case "--exhaustive-float": o.exhaustive = true
    case "--functions":
      o.functions = (args.popFirst() ?? "").split(separator: ",")
        .compactMap { Fn(rawValue: String($0)) }
    default:
      print(
        "usage: vectormath-accuracy [--count N] [--seed S] [--bench] [--no-sweep] [--exhaustive-float] [--functions exp,log,...]"
      )
      exit(2)
    }
  }
  return o
}

/// SplitMix64: reproducible arguments for a given seed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

// MARK: The types under test

protocol SweepScalar: VectorMathScalar {
  associatedtype Wide: BinaryFloatingPoint
  static var name: String { get }
  static func libm(_ f: Fn, _ x: Self) -> Self
  static func wide(_ f: Fn, _ x: Self) -> Wide
  static func random(_ g: inout SplitMix64) -> Self  // any bit pattern
  var ordered: Int64 { get }
}

enum Fn: String, CaseIterable { case exp, expm1, log, log1p }

extension Float: SweepScalar {
  typealias Wide = Double
  static var name: String { "Float" }
  static func libm(_ f: Fn, _ x: Float) -> Float {
    switch f {
    case .exp: expf(x)
    case .expm1: expm1f(x)
    case .log: logf(x)
    case .log1p: log1pf(x)
    }
  }
  static func wide(_ f: Fn, _ x: Float) -> Double {
    let d = Double(x)
    switch f {
    case .exp: return Glibc.exp(d)
    case .expm1: return Glibc.expm1(d)
    case .log: return Glibc.log(d)
    case .log1p: return Glibc.log1p(d)
    }
  }
  static func random(_ g: inout SplitMix64) -> Float {
    Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
  }
  var ordered: Int64 {
    let b = Int64(bitPattern & 0x7fff_ffff)
    return sign == .minus ? -b : b
  }
}

extension Double: SweepScalar {
  typealias Wide = Float80
  static var name: String { "Double" }
  static func libm(_ f: Fn, _ x: Double) -> Double {
    switch f {
    case .exp: Glibc.exp(x)
    case .expm1: Glibc.expm1(x)
    case .log: Glibc.log(x)
    case .log1p: Glibc.log1p(x)
    }
  }
  static func wide(_ f: Fn, _ x: Double) -> Float80 {
    let d = Float80(x)
    switch f {
    case .exp: return expl(d)
    case .expm1: return expm1l(d)
    case .log: return logl(d)
    case .log1p: return log1pl(d)
    }
  }
  static func random(_ g: inout SplitMix64) -> Double {
    Double(bitPattern: g.next())
  }
  var ordered: Int64 {
    let b = Int64(bitPattern: bitPattern & 0x7fff_ffff_ffff_ffff)
    return sign == .minus ? -b : b
  }
}

/// Distance in ULPs between two results: 0 for two NaNs, "infinite" for
/// a NaN and a number, otherwise the number of representable values
/// between them (±0 are one value).
func ulpDistance<T: SweepScalar>(_ a: T, _ b: T) -> Int64 {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : Int64.max }
  let d = a.ordered.subtractingReportingOverflow(b.ordered)
  return d.overflow ? Int64.max : Swift.abs(d.partialValue)
}

/// Error of `y` against the precise `ref`, in ULPs of `ref` rounded to T
/// (fractional); non-finite cases fall back to the ULP distance.
func preciseError<T: SweepScalar>(_ y: T, _ ref: T.Wide) -> Double {
  let r = T(ref)
  if !y.isFinite || !r.isFinite || ref.isNaN {
    let d = ulpDistance(y, r)
    return d == Int64.max ? .infinity : Double(d)
  }
  let ulp =
    r.magnitude < T.leastNormalMagnitude
    ? T.leastNonzeroMagnitude : r.ulp
  return Double(Swift.abs(T.Wide(y) - ref) / T.Wide(ulp))
}

// MARK: Arguments per function

/// The special and boundary arguments, in both types.
func edges<T: SweepScalar>(_: T.Type) -> [T] {
  var e: [T] = [
    0, -0, 1, -1, 2, 0.5, -0.5, .infinity, -.infinity, .nan, -T.nan,
    .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
    -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    T.leastNormalMagnitude.nextDown, T(1).nextUp, T(1).nextDown,
    T(-1).nextUp, T(-1).nextDown, T.ulpOfOne, -T.ulpOfOne,
    T(2).squareRoot(), T(0.5).squareRoot(), T(2).squareRoot() - 1,
    T(0.5).squareRoot() - 1, T.pi, -T.pi,
  ]
  // Around the overflow and underflow thresholds of exp and expm1, the
  // subnormal range of exp, and every power of two (log's reduction).
  let (over, under, sub): (Double, Double, Double) =
    T.self == Float.self
    ? (88.72283905206835, -103.97208, -87.33654)
    : (709.782712893384, -745.1332191019412, -708.3964185322641)
  for c in [over, under, sub, -over] {
    var x = T(c)
    for _ in 0..<64 { x = x.nextDown }
    for _ in 0..<128 {
      e.append(x)
      x = x.nextUp
    }
  }
  var p = T.leastNonzeroMagnitude
  while p.isFinite {
    e.append(p)
    e.append(p.nextUp)
    e.append(p.nextDown)
    e.append(-p)
    p *= 2
  }
  for k in -200...200 { e.append(T(k) * T(0.6931471805599453)) }
  return e
}

/// N arguments for `f`: a quarter any bit pattern (every exponent, the
/// specials, subnormals), the rest from the interesting range of `f`
/// (uniform, and magnitude-uniform in the exponent).
func arguments<T: SweepScalar>(_ f: Fn, _: T.Type, count: Int, seed: UInt64)
  -> [T]
{
  var g = SplitMix64(state: seed ^ UInt64(f.rawValue.hashValue & 0))
  var xs = edges(T.self)
  xs.reserveCapacity(xs.count + count)
  let isFloat = T.self == Float.self
  let expRange: ClosedRange<Double> = isFloat ? -105...90 : -746...710
  while xs.count < count + 2000 {
    let u = Double(g.next() >> 11) / 9_007_199_254_740_992  // [0, 1)
    let kind = g.next() % 8
    let sign: Double = g.next() & 1 == 0 ? 1 : -1
    let x: T
    switch kind {
    case 0, 1: x = T.random(&g)
    case 2:
      // |x| log-uniform over all magnitudes (all exponents, both signs).
      let e = isFloat ? -150 + u * 278 : -1075 + u * 2099
      x = T(sign * Glibc.exp2(e))
    default:
      switch f {
      case .exp, .expm1:
        if kind <= 5 {
          x = T(
            expRange.lowerBound + u
              * (expRange.upperBound - expRange.lowerBound))
        } else {
          x = T(sign * Glibc.exp2(-60 + u * 62))  // small |x|
        }
      case .log:
        if kind <= 5 {
          x = T(0.5 + u * 1.5)  // around 1, the reduction's seam at √2
        } else {
          x = T(Glibc.exp2(isFloat ? -150 + u * 278 : -1075 + u * 2099))
        }
      case .log1p:
        if kind == 3 {
          x = T(-1 + u * 2)
        } else if kind == 4 {
          x = T(-1 + Glibc.exp2(-60 + u * 59))  // near −1
        } else if kind == 5 {
          x = T(sign * Glibc.exp2(-60 + u * 62))  // small |x|
        } else {
          x = T(Glibc.exp2(-1 + u * (isFloat ? 129 : 1025)))
        }
      }
    }
    xs.append(x)
  }
  return xs
}

// MARK: Sweep

struct Outcome {
  var worst: Int64 = 0
  var worstX = ""
  var differing = 0
  var over1 = 0
  var precise: Double = 0
  var preciseX = ""
  var count = 0
}

func bulk<T: SweepScalar>(
  _ f: Fn, _ x: UnsafeBufferPointer<T>,
  _ y: UnsafeMutableBufferPointer<T>
) {
  switch f {
  case .exp: T.vexp(x, into: y)
  case .expm1: T.vexpm1(x, into: y)
  case .log: T.vlog(x, into: y)
  case .log1p: T.vlog1p(x, into: y)
  }
}

func sweep<T: SweepScalar>(_ f: Fn, _: T.Type, options: Options) -> Outcome {
  let xs = arguments(f, T.self, count: options.count, seed: options.seed)
  var ys = [T](repeating: 0, count: xs.count)
  xs.withUnsafeBufferPointer { x in
    ys.withUnsafeMutableBufferPointer { y in bulk(f, x, y) }
  }
  var o = Outcome()
  o.count = xs.count
  for i in xs.indices {
    let x = xs[i]
    let y = ys[i]
    let d = ulpDistance(y, T.libm(f, x))
    if d > 0 { o.differing += 1 }
    if d > 1 { o.over1 += 1 }
    if d > o.worst {
      o.worst = d
      o.worstX = "\(x) → \(y), libm \(T.libm(f, x))"
    }
    let p = preciseError(y, T.wide(f, x))
    if p > o.precise {
      o.precise = p
      o.preciseX = "\(x)"
    }
  }
  return o
}

/// Every Float bit pattern, in chunks of 2^20.
func exhaustiveFloat(_ f: Fn) -> Outcome {
  var o = Outcome()
  let chunk = 1 << 20
  var xs = [Float](repeating: 0, count: chunk)
  var ys = [Float](repeating: 0, count: chunk)
  for c in 0..<(1 << 12) {
    for i in 0..<chunk {
      xs[i] = Float(bitPattern: UInt32(c << 20 | i))
    }
    xs.withUnsafeBufferPointer { x in
      ys.withUnsafeMutableBufferPointer { y in bulk(f, x, y) }
    }
    for i in 0..<chunk {
      let x = xs[i]
      let y = ys[i]
      let d = ulpDistance(y, Float.libm(f, x))
      if d > 0 { o.differing += 1 }
      if d > 1 { o.over1 += 1 }
      if d > o.worst {
        o.worst = d
        o.worstX = "\(x) → \(y), libm \(Float.libm(f, x))"
      }
      let p = preciseError(y, Float.wide(f, x))
      if p > o.precise {
        o.precise = p
        o.preciseX = "\(x)"
      }
    }
    o.count += chunk
  }
  return o
}

// MARK: Throughput

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)  // CPU time: the machine is shared
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

@inline(never)
func libmLoop<T: SweepScalar>(
  _ f: Fn, _ x: UnsafeBufferPointer<T>,
  _ y: UnsafeMutableBufferPointer<T>
) {
  for i in 0..<x.count { y[i] = T.libm(f, x[i]) }
}

@inline(never)
func vectorLoop<T: SweepScalar>(
  _ f: Fn, _ x: UnsafeBufferPointer<T>,
  _ y: UnsafeMutableBufferPointer<T>
) {
  bulk(f, x, y)
}

/// ns per element of the bulk kernel and of a libm loop over n elements,
/// each pass repeated `reps` times (n = 2^22 streams from memory, n = 2048
/// stays in L1), median of 7.
func bench<T: SweepScalar>(_ f: Fn, _: T.Type, n: Int, reps: Int)
  -> (vector: Double, libm: Double)
{
  var g = SplitMix64(state: 42)
  let xs: [T] = (0..<n).map { _ in
    let u = T(Double(g.next() >> 11) / 9_007_199_254_740_992)
    switch f {
    case .exp, .expm1: return -20 + 40 * u
    case .log: return 1e-3 + 100 * u
    case .log1p: return -0.9 + 100 * u
    }
  }
  var ys = [T](repeating: 0, count: n)
  var tv: [Double] = []
  var tl: [Double] = []
  xs.withUnsafeBufferPointer { x in
    ys.withUnsafeMutableBufferPointer { y in
      for _ in 0..<7 {
        var t0 = now()
        for _ in 0..<reps { vectorLoop(f, x, y) }
        tv.append(now() - t0)
        t0 = now()
        for _ in 0..<reps { libmLoop(f, x, y) }
        tl.append(now() - t0)
      }
    }
  }
  let total = Double(n * reps)
  return (median(tv) / total * 1e9, median(tl) / total * 1e9)
}

// MARK: Main

/// printf-style formatting of one Double, without Foundation.
func fmt(_ format: String, _ x: Double) -> String {
  var buf = [CChar](repeating: 0, count: 64)
  _ = withVaList([x]) { vsnprintf(&buf, buf.count, format, $0) }
  let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
  return String(decoding: bytes, as: UTF8.self)
}

let options = parseOptions()
var failed = false
if options.sweep {
  print(
    "accuracy sweep: \(options.count) arguments + edges per function and type, seed \(options.seed)"
  )
  print(
    "| function | type | worst ULPs vs libm | args differing | > 1 ULP | worst error vs precise ref (ULP) | worst case |"
  )
  print("|---|---|---|---|---|---|---|")
  func run<T: SweepScalar>(_: T.Type) {
    for f in options.functions {
      let o = sweep(f, T.self, options: options)
      if o.worst > 2 { failed = true }
      let pct = Double(o.differing) / Double(o.count) * 100
      print(
        "| \(f.rawValue) | \(T.name) | \(o.worst) | \(o.differing) (\(fmt("%.3f", pct)) %) | \(o.over1) | \(fmt("%.3f", o.precise)) at \(o.preciseX) | \(o.worstX) |"
      )
    }
  }
  run(Float.self)
  run(Double.self)
}
if options.exhaustive {
  print("\nexhaustive: all 2^32 Float arguments")
  print(
    "| function | type | worst ULPs vs libm | args differing | > 1 ULP | worst error vs precise ref (ULP) | worst case |"
  )
  print("|---|---|---|---|---|---|---|")
  for f in options.functions {
    let o = exhaustiveFloat(f)
    if o.worst > 2 { failed = true }
    let pct = Double(o.differing) / Double(o.count) * 100
    print(
      "| \(f.rawValue) | Float | \(o.worst) | \(o.differing) (\(fmt("%.3f", pct)) %) | \(o.over1) | \(fmt("%.3f", o.precise)) at \(o.preciseX) | \(o.worstX) |"
    )
  }
}
if options.bench {
  print("\nthroughput, ns/element (thread CPU time, median of 7)")
  print(
    "| function | type | VectorMath, 2^22 elements | libm loop, 2^22 | speed-up | VectorMath, 2048 in L1 | libm loop, 2048 | speed-up |"
  )
  print("|---|---|---|---|---|---|---|---|")
  func run<T: SweepScalar>(_: T.Type) {
    for f in options.functions {
      let (v, l) = bench(f, T.self, n: 1 << 22, reps: 1)
      let (vc, lc) = bench(f, T.self, n: 2048, reps: 2048)
      print(
        "| \(f.rawValue) | \(T.name) | \(fmt("%.3f", v)) | \(fmt("%.3f", l)) | \(fmt("%.1f", l / v))× | \(fmt("%.3f", vc)) | \(fmt("%.3f", lc)) | \(fmt("%.1f", lc / vc))× |"
      )
    }
  }
  run(Float.self)
  run(Double.self)
}
exit(failed ? 1 : 0)
