/// The vector steps of ``CTCKernel``, written once per concrete type: on
/// `SIMD8<Float>` and `SIMD4<Double>` the lane compares and selects compile
/// to vector instructions, where generic `SIMD` code (through `T.VMVector`)
/// goes lane by lane.
///
/// Both generic forms were measured slower on the CTCLoss benchmark row
/// (`losscheck bench --loss CTCLoss`, release, 1 thread, median of runs
/// alternated with this form; Swift 6.3.1, x86-64 haswell, 2 shared cores):
/// - one body over `T.VMVector` with its generic compares and selects:
///   float32 199 ms against 56 ms here (5 runs each), float64 47 ms
///   against 43 ms;
/// - one body over `T.VMVector` calling per-type one-line compares,
///   selects and mask operations (a `CTCMask` associated type): float32
///   58.7 ms against 45.8 ms (8 runs each), float64 40.7 ms against
///   37.6 ms. The optimizer then inlined `vlog` into `ctcLogSums` and left
///   `ctcShiftExp`/`ctcExpSum` out of line, and the float32 body grew by a
///   third.
/// So the Float and Double copies below stay; keep them in step.
protocol CTCScalar: LossScalar {
  /// The largest of `start` and p[0..<n], skipping NaNs in p (a NaN
  /// `start` is returned): the scalar `for s where p[s] > m { m = p[s] }`.
  static func ctcMaximum(_ p: UnsafePointer<Self>, _ n: Int, from start: Self)
    -> Self

  /// For s in 0..<n: x[s] = src[s] − m and l[s] = exp(x[s]).
  static func ctcShiftExp(
    _ src: UnsafePointer<Self>, by m: Self, x: UnsafeMutablePointer<Self>,
    l: UnsafeMutablePointer<Self>, _ n: Int)

  /// out[s] = exp(a[s] + b[s] + k) for s in 0..<n (the state occupancies).
  static func ctcExpSum(
    _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, plus k: Self,
    into out: UnsafeMutablePointer<Self>, _ n: Int)

  /// For s in 0..<n, with neighbours at s + d and s + 2d (d = −1 for the
  /// alpha recursion, +1 for beta): out[s] = log(l[s] + l[s+d] +
  /// skip[s]·l[s+2d]) (+ e[s]), where l = exp(x) of a max-shifted row x.
  /// Where that sum is below `CTCKernel.tiny` (or NaN), the max-shifted
  /// log-sum-exp of x[s], x[s+d] and (with skip) x[s+2d] instead, so that
  /// states far below the frame's maximum keep their precision.
  static func ctcLogSums(
    _ l: UnsafePointer<Self>, _ x: UnsafePointer<Self>, next d: Int,
    skip: UnsafePointer<Self>, plus e: UnsafePointer<Self>?,
    into out: UnsafeMutablePointer<Self>, _ n: Int)

  /// g[c] = exp(row[c]) for c in 0..<n, NaN where row[c] = −inf (PyTorch
  /// evaluates exp(−inf − (−inf)) there).
  static func ctcExpRow(
    _ row: UnsafePointer<Self>, into g: UnsafeMutablePointer<Self>, _ n: Int)
}

extension Float: CTCScalar {
  @inline(__always)
  static func ctcShiftExp(
    _ src: UnsafePointer<Float>, by m: Float, x: UnsafeMutablePointer<Float>,
    l: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    let mv = SIMD8<Float>(repeating: m)
    var s = 0
    while s + 8 <= n {
      let v = Float.vload(src + s) - mv
      Float.vstore(v, to: x + s)
      Float.vstore(Float.vexp(v), to: l + s)
      s += 8
    }
    if s < n {
      let v = Float.vload(src + s, count: n - s) - mv
      Float.vstore(v, to: x + s, count: n - s)
      Float.vstore(Float.vexp(v), to: l + s, count: n - s)
    }
  }

  @inline(__always)
  static func ctcExpSum(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, plus k: Float,
    into out: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    let kv = SIMD8<Float>(repeating: k)
    var s = 0
    while s + 8 <= n {
      Float.vstore(
        Float.vexp(Float.vload(a + s) + Float.vload(b + s) + kv), to: out + s)
      s += 8
    }
    if s < n {
      let v =
        Float.vload(a + s, count: n - s) + Float.vload(b + s, count: n - s)
      Float.vstore(Float.vexp(v + kv), to: out + s, count: n - s)
    }
  }

  @inline(__always)
  static func ctcMaximum(_ p: UnsafePointer<Float>, _ n: Int, from start: Float)
    -> Float
  {
    var mv = SIMD8<Float>(repeating: start)
    var s = 0
    while s + 8 <= n {
      let v = Float.vload(p + s)
      mv.replace(with: v, where: v .> mv)
      s += 8
    }
    if s < n {
      let v = Float.vload(p + s, count: n - s, fill: -.infinity)
      mv.replace(with: v, where: v .> mv)
    }
    var m = mv[0]
    for j in 1..<8 where mv[j] > m { m = mv[j] }
    return m
  }

  @inline(__always)
  static func ctcLogSums(
    _ l: UnsafePointer<Float>, _ x: UnsafePointer<Float>, next d: Int,
    skip: UnsafePointer<Float>, plus e: UnsafePointer<Float>?,
    into out: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    let tiny = SIMD8<Float>(repeating: CTCKernel<Float>.tiny)
    let minusInf = SIMD8<Float>(repeating: -.infinity)
    let zero = SIMD8<Float>(repeating: 0)
    var s = 0
    while s < n {
      let c = Swift.min(8, n - s)
      @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        c == 8 ? Float.vload(p) : Float.vload(p, count: c)
      }
      let sk = load(skip + s)
      let sum = load(l + s) + load(l + s + d) + sk * load(l + s + 2 * d)
      // The lanes' maxima, with Swift's max(a, b) = b ≥ a ? b : a.
      let x0 = load(x + s)
      let x1 = load(x + s + d)
      let x2 = load(x + s + 2 * d).replacing(with: minusInf, where: sk .== zero)
      let m12 = x1.replacing(with: x2, where: x2 .>= x1)
      let m = x0.replacing(with: m12, where: m12 .>= x0)
      // A state without predecessors (all −inf, sum 0) already has
      // log(0) = −inf, what the fallback gives; the others below tiny (or
      // NaN) take m + log(Σ exp(xi − m)), −inf when m is.
      let small = .!(sum .>= tiny) .& .!((m .== minusInf) .& (sum .== zero))
      // One log for both: of the sum, or m + log of the max-shifted sum.
      var r: SIMD8<Float>
      if any(small) {
        let shiftedSum =
          Float.vexp(x0 - m) + Float.vexp(x1 - m) + Float.vexp(x2 - m)
        let arg = sum.replacing(with: shiftedSum, where: small)
        r = zero.replacing(with: m, where: small) + Float.vlog(arg)
        r.replace(with: minusInf, where: small .& (m .== minusInf))
      } else {
        r = Float.vlog(sum)
      }
      if let e { r += load(e + s) }
      if c == 8 {
        Float.vstore(r, to: out + s)
      } else {
        Float.vstore(r, to: out + s, count: c)
      }
      s += 8
    }
  }

  @inline(__always)
  static func ctcExpRow(
    _ row: UnsafePointer<Float>, into g: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    let minusInf = SIMD8<Float>(repeating: -.infinity)
    var c = 0
    while c < n {
      let k = Swift.min(8, n - c)
      let v = k == 8 ? Float.vload(row + c) : Float.vload(row + c, count: k)
      let r = Float.vexp(v).replacing(with: .nan, where: v .== minusInf)
      if k == 8 {
        Float.vstore(r, to: g + c)
      } else {
        Float.vstore(r, to: g + c, count: k)
      }
      c += 8
    }
  }
}

extension Double: CTCScalar {
  @inline(__always)
  static func ctcShiftExp(
    _ src: UnsafePointer<Double>, by m: Double, x: UnsafeMutablePointer<Double>,
    l: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    let mv = SIMD4<Double>(repeating: m)
    var s = 0
    while s + 4 <= n {
      let v = Double.vload(src + s) - mv
      Double.vstore(v, to: x + s)
      Double.vstore(Double.vexp(v), to: l + s)
      s += 4
    }
    if s < n {
      let v = Double.vload(src + s, count: n - s) - mv
      Double.vstore(v, to: x + s, count: n - s)
      Double.vstore(Double.vexp(v), to: l + s, count: n - s)
    }
  }

  @inline(__always)
  static func ctcExpSum(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, plus k: Double,
    into out: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    let kv = SIMD4<Double>(repeating: k)
    var s = 0
    while s + 4 <= n {
      Double.vstore(
        Double.vexp(Double.vload(a + s) + Double.vload(b + s) + kv), to: out + s
      )
      s += 4
    }
    if s < n {
      let v =
        Double.vload(a + s, count: n - s) + Double.vload(b + s, count: n - s)
      Double.vstore(Double.vexp(v + kv), to: out + s, count: n - s)
    }
  }

  @inline(__always)
  static func ctcMaximum(
    _ p: UnsafePointer<Double>, _ n: Int, from start: Double
  ) -> Double {
    var mv = SIMD4<Double>(repeating: start)
    var s = 0
    while s + 4 <= n {
      let v = Double.vload(p + s)
      mv.replace(with: v, where: v .> mv)
      s += 4
    }
    if s < n {
      let v = Double.vload(p + s, count: n - s, fill: -.infinity)
      mv.replace(with: v, where: v .> mv)
    }
    var m = mv[0]
    for j in 1..<4 where mv[j] > m { m = mv[j] }
    return m
  }

  @inline(__always)
  static func ctcLogSums(
    _ l: UnsafePointer<Double>, _ x: UnsafePointer<Double>, next d: Int,
    skip: UnsafePointer<Double>, plus e: UnsafePointer<Double>?,
    into out: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    let tiny = SIMD4<Double>(repeating: CTCKernel<Double>.tiny)
    let minusInf = SIMD4<Double>(repeating: -.infinity)
    let zero = SIMD4<Double>(repeating: 0)
    var s = 0
    while s < n {
      let c = Swift.min(4, n - s)
      @inline(__always) func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        c == 4 ? Double.vload(p) : Double.vload(p, count: c)
      }
      let sk = load(skip + s)
      let sum = load(l + s) + load(l + s + d) + sk * load(l + s + 2 * d)
      // The lanes' maxima, with Swift's max(a, b) = b ≥ a ? b : a.
      let x0 = load(x + s)
      let x1 = load(x + s + d)
      let x2 = load(x + s + 2 * d).replacing(with: minusInf, where: sk .== zero)
      let m12 = x1.replacing(with: x2, where: x2 .>= x1)
      let m = x0.replacing(with: m12, where: m12 .>= x0)
      // A state without predecessors (all −inf, sum 0) already has
      // log(0) = −inf, what the fallback gives; the others below tiny (or
      // NaN) take m + log(Σ exp(xi − m)), −inf when m is.
      let small = .!(sum .>= tiny) .& .!((m .== minusInf) .& (sum .== zero))
      // One log for both: of the sum, or m + log of the max-shifted sum.
      var r: SIMD4<Double>
      if any(small) {
        let shiftedSum =
          Double.vexp(x0 - m) + Double.vexp(x1 - m) + Double.vexp(x2 - m)
        let arg = sum.replacing(with: shiftedSum, where: small)
        r = zero.replacing(with: m, where: small) + Double.vlog(arg)
        r.replace(with: minusInf, where: small .& (m .== minusInf))
      } else {
        r = Double.vlog(sum)
      }
      if let e { r += load(e + s) }
      if c == 4 {
        Double.vstore(r, to: out + s)
      } else {
        Double.vstore(r, to: out + s, count: c)
      }
      s += 4
    }
  }

  @inline(__always)
  static func ctcExpRow(
    _ row: UnsafePointer<Double>, into g: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    let minusInf = SIMD4<Double>(repeating: -.infinity)
    var c = 0
    while c < n {
      let k = Swift.min(4, n - c)
      let v = k == 4 ? Double.vload(row + c) : Double.vload(row + c, count: k)
      let r = Double.vexp(v).replacing(with: .nan, where: v .== minusInf)
      if k == 4 {
        Double.vstore(r, to: g + c)
      } else {
        Double.vstore(r, to: g + c, count: k)
      }
      c += 4
    }
  }
}
