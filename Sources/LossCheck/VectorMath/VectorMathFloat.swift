// The Float kernels, 8 lanes (one AVX register). Constants were fitted with
// mpmath's Chebyshev fit (near-minimax) on the reduced ranges, with a 0.1 %
// (exp) and 0.3 % (log) margin so that a k off by one from rounding still
// lands inside the fitted interval.

extension VectorMath {
  @usableFromInline typealias _F8 = SIMD8<Float>
  @usableFromInline typealias _I8 = SIMD8<Int32>

  /// e^r − 1 − r for |r| ≤ ln2/2 (+0.1 %), as r²·P(r); P has degree 5 and
  /// |error of P| ≤ 1.5e-9, i.e. ≤ 1.7e-10 absolute in e^r. For exp, P is
  /// evaluated as pairs aᵢ + aᵢ₊₁·r, then Horner in r² (3 dependent steps
  /// instead of 5); for expm1 (`accurate`, see `_expPolyD4`) by Horner.
  @inlinable @inline(__always)
  internal static func _expPolyF8(_ r: _F8, accurate: Bool = false) -> _F8 {
    let r2 = r * r
    if accurate {
      var p = _F8(repeating: 0x1.a1256cp-13)
      p = _mad(p, r, 0x1.6d43b0p-10)
      p = _mad(p, r, 0x1.1110e0p-7)
      p = _mad(p, r, 0x1.5554e8p-5)
      p = _mad(p, r, 0x1.555556p-3)
      p = _mad(p, r, 0.5)
      return r2 * p
    }
    let p01 = _mad(r, 0x1.555556p-3, 0.5)
    let p23 = _mad(r, 0x1.1110e0p-7, 0x1.5554e8p-5)
    let p45 = _mad(r, 0x1.a1256cp-13, 0x1.6d43b0p-10)
    return r2 * _mad(r2, _mad(r2, p45, p23), p01)
  }

  /// e^x for 8 Floats.
  ///
  /// k = round(x·log2e) by the 1.5·2^23 shifter, r = x − k·ln2_hi − k·ln2_lo
  /// (ln2_hi has 12 significant bits, k at most 9, so k·ln2_hi and the first
  /// subtraction are exact), e^r = 1 + (r + r²P(r)), then the result is
  /// e^r·2^⌊k/2⌋·2^(k−⌊k/2⌋): both factors are normal, the first product is
  /// exact and the second rounds once (to a subnormal, or to +inf, as libm).
  /// x is clamped to [−104, 89] first, where e^x is already 0 (rounded) and
  /// +inf; NaN compares false and propagates through the arithmetic.
  @inlinable @inline(__always)
  internal static func _expF8(_ x: _F8) -> _F8 {
    var a = x.replacing(with: 89, where: x .> 89)
    a.replace(with: -104, where: a .< -104)
    let shifter: Float = 0x1.8p23
    let t = a * 0x1.715476p0 + shifter
    let k = t - shifter
    let ki = unsafeBitCast(t, to: _I8.self) &- 0x4b40_0000
    let rHi = a - k * 0x1.62ep-1
    let rLo = k * -0x1.0bfbe8p-15
    let r = rHi + rLo
    let y = 1 + (rHi + (rLo + _expPolyF8(r)))
    let k1 = ki &>> 1
    let k2 = ki &- k1
    let s1 = unsafeBitCast((k1 &+ 127) &<< 23, to: _F8.self)
    let s2 = unsafeBitCast((k2 &+ 127) &<< 23, to: _F8.self)
    return (y * s1) * s2
  }

  /// e^x − 1 for 8 Floats.
  ///
  /// The reduction of `_expF8` on x clamped to [−30, 89] (below −30 the
  /// result rounds to −1), y = e^r − 1 = rHi + (rLo + r²P(r)), then
  /// 2^k·y + (2^k − 1), summed in the order that keeps the error ≤ 1 ULP
  /// for each k (below). For k = 0, r = x and the result is y: no
  /// cancellation for small x. For k > 100 (only e^x − 1 = e^x matters)
  /// the result is ((1 + y)·2^(k−1))·2, so that 2^k never overflows.
  /// ±0 is returned as is (the reduction would turn −0 into +0).
  @inlinable @inline(__always)
  internal static func _expm1F8(_ x: _F8) -> _F8 {
    var a = x.replacing(with: 89, where: x .> 89)
    a.replace(with: -30, where: a .< -30)
    let shifter: Float = 0x1.8p23
    let t = a * 0x1.715476p0 + shifter
    let k = t - shifter
    var ki = unsafeBitCast(t, to: _I8.self) &- 0x4b40_0000
    let rHi = a - k * 0x1.62ep-1
    let rLo = k * -0x1.0bfbe8p-15
    let r = rHi + rLo
    let yLo = rLo + _expPolyF8(r, accurate: true)
    let big = k .> 100  // (compares of Int32 lanes are not vectorised)
    ki.replace(with: ki &- 1, where: big)
    let s = unsafeBitCast((ki &+ 127) &<< 23, to: _F8.self)
    // How 2^k·(e^r − 1) + (2^k − 1) is summed, with e^r − 1 = rHi + yLo:
    // for k = 0, 1 as (2^k − 1) + 2^k·rHi first (exact: it absorbs the
    // cancellation) then + 2^k·yLo; for other k, 2^k − 1 dominates (or is
    // small against it) and 2^k·(rHi + yLo) is added in one rounding; for
    // k > 24, 2^k − 1 is not exact and the −1 goes into the smaller term.
    var result = ((s - 1) + s * rHi) + s * yLo
    result.replace(
      with: (s - 1) + s * (rHi + yLo), where: (k .>= 2) .| (k .< 0))
    result.replace(with: (s * (rHi + yLo) - 1) + s, where: k .> 24)
    result.replace(with: ((1 + (rHi + yLo)) * s) * 2, where: big)
    result.replace(with: x, where: x .== 0)
    return result
  }

  /// k·ln2 + log(1 + f) + c for f in [√½ − 1, √2 − 1], given f, s =
  /// f/(2 + f) and k, in fdlibm's form: f − (hfsq − s·(hfsq + R(s²))) with
  /// hfsq = f²/2, where
  /// R(z) = z·(Lg1 + Lg2·z + Lg3·z² + Lg4·z³) ≈ (2·atanh(s) − 2s)/s, fitted
  /// on z in [0, 0.0295] with |error| ≤ 1.2e-9 (relative to s: ≤ 1.8e-11).
  /// `c` is added to the small terms first (log1p's correction, 0 for log),
  /// and k·ln2 last, in two parts (ln2_hi·k exact for |k| ≤ 2^12).
  @inlinable @inline(__always)
  internal static func _logCoreF8(_ f: _F8, _ s: _F8, _ dk: _F8, _ c: _F8)
    -> _F8
  {
    let z = s * s
    let w = z * z
    let t1 = w * _mad(w, 0x1.dde0e2p-3, 0x1.9999ecp-2)
    let t2 = z * _mad(w, 0x1.245beep-2, 0x1.555556p-1)
    let hfsq = 0.5 * f * f
    let small = s * (hfsq + (t2 + t1)) + (dk * 0x1.0bfbe8p-15 + c)
    return ((small - hfsq) + f) + dk * 0x1.62ep-1
  }

  /// log(x) for 8 Floats.
  ///
  /// x < 2^−126 (subnormal, and the special values patched below) is first
  /// scaled by 2^25. The exponent and mantissa come from the bits with
  /// musl's offset trick: adding 0x3f800000 − bits(√½) makes the biased
  /// exponent field that of m in [√½, √2). Specials: x < 0 → NaN,
  /// ±0 → −inf, +inf and NaN → x.
  @inlinable @inline(__always)
  internal static func _logF8(_ x: _F8) -> _F8 {
    let tiny = x .< Float.leastNormalMagnitude
    let xs = x.replacing(with: x * 0x1p25, where: tiny)
    var ix = unsafeBitCast(xs, to: _I8.self) &+ (0x3f80_0000 - 0x3f35_04f3)
    var k = (ix &>> 23) &- 127
    k.replace(with: k &- 25, where: tiny)
    ix = (ix & 0x007f_ffff) &+ 0x3f35_04f3
    let f = unsafeBitCast(ix, to: _F8.self) - 1
    var y = _logCoreF8(f, f / (2 + f), _F8(k), _F8(repeating: 0))
    y.replace(with: .nan, where: x .< 0)
    y.replace(with: -.infinity, where: x .== 0)
    y.replace(with: x, where: .!(x .< .infinity))
    return y
  }

  /// log(1 + x) for 8 Floats.
  ///
  /// u = 1 + x rounded; reduced like `_logF8`. If u is in [√½, √2) (k = 0)
  /// then f = x exactly and no correction is needed; otherwise
  /// f = m − 1 and c = (1 + x) − u, exact (x − (u − 1) for k = 1 and
  /// negative k, 1 − (u − x) for k ≥ 2, 0 for k ≥ 25 where it is below
  /// the rounding), added as c/u. Specials: x < −1 → NaN, −1 → −inf,
  /// ±0, +inf and NaN → x.
  @inlinable @inline(__always)
  internal static func _log1pF8(_ x: _F8) -> _F8 {
    let u = 1 + x
    let iu = unsafeBitCast(u, to: _I8.self) &+ (0x3f80_0000 - 0x3f35_04f3)
    // k compared as a Float: compares of Int32 lanes are not vectorised.
    let dk = _F8((iu &>> 23) &- 127)
    let m = unsafeBitCast((iu & 0x007f_ffff) &+ 0x3f35_04f3, to: _F8.self)
    let k0 = dk .== 0
    var f = m - 1
    f.replace(with: x, where: k0)
    let s = f / (2 + f)
    // (Computing c/u as c·2^−k·(1/m), 1/m = (1 − s)/(1 + s) by a short
    // series, to save the division was measured slower: the divider runs
    // beside the FMA pipes, the extra multiplies do not.)
    var c = x - (u - 1)
    c.replace(with: 1 - (u - x), where: dk .>= 2)
    c = c / u
    c.replace(with: 0, where: k0 .| (dk .>= 25))
    var y = _logCoreF8(f, s, dk, c)
    y.replace(with: .nan, where: x .< -1)
    y.replace(with: -.infinity, where: x .== -1)
    y.replace(with: x, where: .!(x .< .infinity) .| (x .== 0))
    return y
  }
}
