/// The vector steps of ``CTCKernel``, written once over the scalar: each
/// works on `T.VMVector` (`SIMD8<Float>`, `SIMD4<Double>`) with the
/// vectorized `vexp`/`vlog` of ``VectorMathScalar``, a vector of states at
/// a time, and a tail shorter than a vector as a partial vector.
protocol CTCScalar: LossScalar {}

extension Float: CTCScalar {}
extension Double: CTCScalar {}

extension CTCScalar {
  /// The largest of `start` and p[0..<n], skipping NaNs in p (a NaN
  /// `start` is returned): the scalar `for s where p[s] > m { m = p[s] }`.
  @inline(__always)
  static func ctcMaximum(
    _ p: UnsafePointer<Self>, _ n: Int, from start: Self
  ) -> Self {
    let w = VMVector.scalarCount
    var mv = VMVector(repeating: start)
    var s = 0
    while s + w <= n {
      let v = vload(p + s)
      mv.replace(with: v, where: v .> mv)
      s += w
    }
    if s < n {
      let v = vload(p + s, count: n - s, fill: -.infinity)
      mv.replace(with: v, where: v .> mv)
    }
    var m = mv[0]
    for j in 1..<w where mv[j] > m { m = mv[j] }
    return m
  }

  /// For s in 0..<n: x[s] = src[s] − m and l[s] = exp(x[s]).
  @inline(__always)
  static func ctcShiftExp(
    _ src: UnsafePointer<Self>, by m: Self, x: UnsafeMutablePointer<Self>,
    l: UnsafeMutablePointer<Self>, _ n: Int
  ) {
    let w = VMVector.scalarCount
    let mv = VMVector(repeating: m)
    var s = 0
    while s + w <= n {
      let v = vload(src + s) - mv
      vstore(v, to: x + s)
      vstore(vexp(v), to: l + s)
      s += w
    }
    if s < n {
      let v = vload(src + s, count: n - s) - mv
      vstore(v, to: x + s, count: n - s)
      vstore(vexp(v), to: l + s, count: n - s)
    }
  }

  /// out[s] = exp(a[s] + b[s] + k) for s in 0..<n (the state occupancies).
  @inline(__always)
  static func ctcExpSum(
    _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, plus k: Self,
    into out: UnsafeMutablePointer<Self>, _ n: Int
  ) {
    let w = VMVector.scalarCount
    let kv = VMVector(repeating: k)
    var s = 0
    while s + w <= n {
      vstore(vexp(vload(a + s) + vload(b + s) + kv), to: out + s)
      s += w
    }
    if s < n {
      let v = vload(a + s, count: n - s) + vload(b + s, count: n - s)
      vstore(vexp(v + kv), to: out + s, count: n - s)
    }
  }

  /// For s in 0..<n, with neighbours at s + d and s + 2d (d = −1 for the
  /// alpha recursion, +1 for beta): out[s] = log(l[s] + l[s+d] +
  /// skip[s]·l[s+2d]) (+ e[s]), where l = exp(x) of a max-shifted row x.
  /// Where that sum is below `CTCKernel.tiny` (or NaN), the max-shifted
  /// log-sum-exp of x[s], x[s+d] and (with skip) x[s+2d] instead, so that
  /// states far below the frame's maximum keep their precision.
  @inline(__always)
  static func ctcLogSums(
    _ l: UnsafePointer<Self>, _ x: UnsafePointer<Self>, next d: Int,
    skip: UnsafePointer<Self>, plus e: UnsafePointer<Self>?,
    into out: UnsafeMutablePointer<Self>, _ n: Int
  ) {
    let w = VMVector.scalarCount
    let tiny = VMVector(repeating: CTCKernel<Self>.tiny)
    let minusInf = VMVector(repeating: -.infinity)
    let zero = VMVector(repeating: 0)
    var s = 0
    while s < n {
      let c = Swift.min(w, n - s)
      @inline(__always) func load(_ p: UnsafePointer<Self>) -> VMVector {
        c == w ? vload(p) : vload(p, count: c)
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
      var r: VMVector
      if any(small) {
        let shiftedSum = vexp(x0 - m) + vexp(x1 - m) + vexp(x2 - m)
        let arg = sum.replacing(with: shiftedSum, where: small)
        r = zero.replacing(with: m, where: small) + vlog(arg)
        r.replace(with: minusInf, where: small .& (m .== minusInf))
      } else {
        r = vlog(sum)
      }
      if let e { r += load(e + s) }
      if c == w { vstore(r, to: out + s) } else { vstore(r, to: out + s, count: c) }
      s += w
    }
  }

  /// g[c] = exp(row[c]) for c in 0..<n, NaN where row[c] = −inf (PyTorch
  /// evaluates exp(−inf − (−inf)) there).
  @inline(__always)
  static func ctcExpRow(
    _ row: UnsafePointer<Self>, into g: UnsafeMutablePointer<Self>, _ n: Int
  ) {
    let w = VMVector.scalarCount
    let minusInf = VMVector(repeating: -.infinity)
    let nan = VMVector(repeating: .nan)
    var c = 0
    while c < n {
      let k = Swift.min(w, n - c)
      let v = k == w ? vload(row + c) : vload(row + c, count: k)
      let r = vexp(v).replacing(with: nan, where: v .== minusInf)
      if k == w { vstore(r, to: g + c) } else { vstore(r, to: g + c, count: k) }
      c += w
    }
  }
}
