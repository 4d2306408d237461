/// The vector steps of ``CTCKernel``, written once over the scalar: each
/// works on `T.VMVector` (`SIMD8<Float>`, `SIMD4<Double>`) with the
/// vectorized `vexp`/`vlog` of ``VectorMathScalar``, a vector of states at
/// a time, and a tail shorter than a vector as a partial vector.
///
/// The lane compares, mask logic and selects are the requirements below,
/// one line each per type: on the concrete `SIMD8<Float>`/`SIMD4<Double>`
/// they compile to vector compares and blends, where the same operators
/// written on the generic `T.VMVector` stay lane-by-lane loops even once
/// specialized. With them written generically the CTCLoss benchmark row
/// (losscheck bench, 1 thread, median of 3 runs of 9) took 258 ms in
/// float32 against 77 ms with these concrete lanes; float64 was unchanged
/// (54 ms against 52 ms).
protocol CTCScalar: LossScalar {
  /// A lane mask of `VMVector`.
  associatedtype CTCMask
  /// a > b in each lane (false where either is NaN).
  static func ctcGreater(_ a: VMVector, _ b: VMVector) -> CTCMask
  /// a ≥ b in each lane (false where either is NaN).
  static func ctcGreaterOrEqual(_ a: VMVector, _ b: VMVector) -> CTCMask
  /// a = b in each lane (false where either is NaN).
  static func ctcEqual(_ a: VMVector, _ b: VMVector) -> CTCMask
  /// Both masks in each lane.
  static func ctcAnd(_ a: CTCMask, _ b: CTCMask) -> CTCMask
  /// The mask negated in each lane.
  static func ctcNot(_ a: CTCMask) -> CTCMask
  /// Whether any lane is set.
  static func ctcAny(_ a: CTCMask) -> Bool
  /// `b` in the lanes where `mask` is set, `a` elsewhere.
  static func ctcSelect(
    _ a: VMVector, _ b: VMVector, where mask: CTCMask
  ) -> VMVector
}

extension Float: CTCScalar {
  typealias CTCMask = SIMDMask<SIMD8<Int32>>
  @inline(__always)
  static func ctcGreater(_ a: VMVector, _ b: VMVector) -> CTCMask { a .> b }
  @inline(__always)
  static func ctcGreaterOrEqual(_ a: VMVector, _ b: VMVector) -> CTCMask {
    a .>= b
  }
  @inline(__always)
  static func ctcEqual(_ a: VMVector, _ b: VMVector) -> CTCMask { a .== b }
  @inline(__always)
  static func ctcAnd(_ a: CTCMask, _ b: CTCMask) -> CTCMask { a .& b }
  @inline(__always)
  static func ctcNot(_ a: CTCMask) -> CTCMask { .!a }
  @inline(__always)
  static func ctcAny(_ a: CTCMask) -> Bool { any(a) }
  @inline(__always)
  static func ctcSelect(
    _ a: VMVector, _ b: VMVector, where mask: CTCMask
  ) -> VMVector {
    a.replacing(with: b, where: mask)
  }
}

extension Double: CTCScalar {
  typealias CTCMask = SIMDMask<SIMD4<Int64>>
  @inline(__always)
  static func ctcGreater(_ a: VMVector, _ b: VMVector) -> CTCMask { a .> b }
  @inline(__always)
  static func ctcGreaterOrEqual(_ a: VMVector, _ b: VMVector) -> CTCMask {
    a .>= b
  }
  @inline(__always)
  static func ctcEqual(_ a: VMVector, _ b: VMVector) -> CTCMask { a .== b }
  @inline(__always)
  static func ctcAnd(_ a: CTCMask, _ b: CTCMask) -> CTCMask { a .& b }
  @inline(__always)
  static func ctcNot(_ a: CTCMask) -> CTCMask { .!a }
  @inline(__always)
  static func ctcAny(_ a: CTCMask) -> Bool { any(a) }
  @inline(__always)
  static func ctcSelect(
    _ a: VMVector, _ b: VMVector, where mask: CTCMask
  ) -> VMVector {
    a.replacing(with: b, where: mask)
  }
}

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
      mv = ctcSelect(mv, v, where: ctcGreater(v, mv))
      s += w
    }
    if s < n {
      let v = vload(p + s, count: n - s, fill: -.infinity)
      mv = ctcSelect(mv, v, where: ctcGreater(v, mv))
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
      let x2 = ctcSelect(
        load(x + s + 2 * d), minusInf, where: ctcEqual(sk, zero))
      let m12 = ctcSelect(x1, x2, where: ctcGreaterOrEqual(x2, x1))
      let m = ctcSelect(x0, m12, where: ctcGreaterOrEqual(m12, x0))
      // A state without predecessors (all −inf, sum 0) already has
      // log(0) = −inf, what the fallback gives; the others below tiny (or
      // NaN) take m + log(Σ exp(xi − m)), −inf when m is.
      let mIsMinusInf = ctcEqual(m, minusInf)
      let small = ctcAnd(
        ctcNot(ctcGreaterOrEqual(sum, tiny)),
        ctcNot(ctcAnd(mIsMinusInf, ctcEqual(sum, zero))))
      // One log for both: of the sum, or m + log of the max-shifted sum.
      var r: VMVector
      if ctcAny(small) {
        let shiftedSum = vexp(x0 - m) + vexp(x1 - m) + vexp(x2 - m)
        let arg = ctcSelect(sum, shiftedSum, where: small)
        r = ctcSelect(zero, m, where: small) + vlog(arg)
        r = ctcSelect(r, minusInf, where: ctcAnd(small, mIsMinusInf))
      } else {
        r = vlog(sum)
      }
      if let e { r += load(e + s) }
      if c == w {
        vstore(r, to: out + s)
      } else {
        vstore(r, to: out + s, count: c)
      }
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
      let r = ctcSelect(vexp(v), nan, where: ctcEqual(v, minusInf))
      if k == w { vstore(r, to: g + c) } else { vstore(r, to: g + c, count: k) }
      c += w
    }
  }
}
