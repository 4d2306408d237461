// The Double kernels, 4 lanes (one AVX register). Same schemes as the Float
// kernels (VectorMathFloat.swift) with longer polynomials. Integer work is
// done on UInt64 lanes with logical shifts only (AVX2 has no 64-bit
// arithmetic shift), and integers become Doubles through the 2^52 trick
// rather than a conversion (AVX2 has no 64-bit integer conversion either).

extension VectorMath {
  @usableFromInline typealias _D4 = SIMD4<Double>
  @usableFromInline typealias _U4 = SIMD4<UInt64>

  /// e^r − 1 − r for |r| ≤ ln2/2 (+0.1 %), as r²·P(r); P has degree 10 and
  /// |error of P| ≤ 1.5e-18, i.e. ≤ 1.7e-19 absolute in e^r. For exp, P is
  /// evaluated in Estrin's scheme (pairs aᵢ + aᵢ₊₁·r, then powers r², r⁴):
  /// 4 dependent steps instead of Horner's 10, so more vectors are in
  /// flight (~20 % faster). For expm1 (`accurate`), where for k = 1 an
  /// error in r²P is doubled against a result of ~0.4, it is Horner's
  /// scheme, whose roundings shrink with the terms (worst 0.95 ULP against
  /// 1.05 with Estrin's).
  @inlinable @inline(__always)
  internal static func _expPolyD4(_ r: _D4, accurate: Bool = false) -> _D4 {
    let r2 = r * r
    if accurate {
      var p = _D4(repeating: 0x1.1f7340dbc337ep-29)
      p = _mad(p, r, 0x1.af4e554377204p-26)
      p = _mad(p, r, 0x1.27e4db46cddd1p-22)
      p = _mad(p, r, 0x1.71de01fdbf9cap-19)
      p = _mad(p, r, 0x1.a01a01a6e1e2ap-16)
      p = _mad(p, r, 0x1.a01a01abf85abp-13)
      p = _mad(p, r, 0x1.6c16c16c162c3p-10)
      p = _mad(p, r, 0x1.11111111100bep-7)
      p = _mad(p, r, 0x1.5555555555556p-5)
      p = _mad(p, r, 0x1.5555555555557p-3)
      p = _mad(p, r, 0.5)
      return r2 * p
    }
    let r4 = r2 * r2
    let p01 = _mad(r, 0x1.5555555555557p-3, 0.5)
    let p23 = _mad(r, 0x1.11111111100bep-7, 0x1.5555555555556p-5)
    let p45 = _mad(r, 0x1.a01a01abf85abp-13, 0x1.6c16c16c162c3p-10)
    let p67 = _mad(r, 0x1.71de01fdbf9cap-19, 0x1.a01a01a6e1e2ap-16)
    let p89 = _mad(r, 0x1.af4e554377204p-26, 0x1.27e4db46cddd1p-22)
    let q0 = _mad(r2, p23, p01)
    let q1 = _mad(r2, p67, p45)
    let q2 = _mad(r2, 0x1.1f7340dbc337ep-29, p89)
    return r2 * _mad(r4, _mad(r4, q2, q1), q0)
  }

  /// The shared reduction of exp and expm1: k = round(x·log2e) by the
  /// 1.5·2^52 shifter (as a Double and as the low bits of an integer),
  /// r = x − k·ln2_hi − k·ln2_lo with ln2_hi of 32 significant bits (k has
  /// at most 11, so k·ln2_hi and the first subtraction are exact).
  @inlinable @inline(__always)
  internal static func _expReduceD4(_ a: _D4)
    -> (k: _D4, ki: _U4, rHi: _D4, rLo: _D4)
  {
    let shifter: Double = 0x1.8p52
    let t = a * 0x1.71547652b82fep0 + shifter
    let k = t - shifter
    let ki = unsafeBitCast(t, to: _U4.self) &- 0x4338_0000_0000_0000
    let rHi = a - k * 0x1.62e42feep-1
    let rLo = k * -0x1.a39ef35793c76p-33
    return (k, ki, rHi, rLo)
  }

  /// e^x for 4 Doubles. As `_expF8`: x clamped to [−746, 710], result
  /// e^r·2^k1·2^k2 with k1 = ⌊k/2⌋ (computed on k + 2048 with a logical
  /// shift), rounded once, so subnormal results and overflow are as libm's.
  @inlinable @inline(__always)
  internal static func _expD4(_ x: _D4) -> _D4 {
    var a = x.replacing(with: 710, where: x .> 710)
    a.replace(with: -746, where: a .< -746)
    let (_, ki, rHi, rLo) = _expReduceD4(a)
    let y = 1 + (rHi + (rLo + _expPolyD4(rHi + rLo)))
    let k1 = ((ki &+ 2048) &>> 1) &- 1024
    let k2 = ki &- k1
    let s1 = unsafeBitCast((k1 &+ 1023) &<< 52, to: _D4.self)
    let s2 = unsafeBitCast((k2 &+ 1023) &<< 52, to: _D4.self)
    return (y * s1) * s2
  }

  /// e^x − 1 for 4 Doubles. As `_expm1F8`: x clamped to [−40, 710],
  /// 2^k·y + (2^k − 1) with y = e^r − 1 summed per k as there (the −1
  /// moves into the smaller term for k > 53), ((1 + y)·2^(k−1))·2 for
  /// k > 1000; ±0 returned as is.
  @inlinable @inline(__always)
  internal static func _expm1D4(_ x: _D4) -> _D4 {
    var a = x.replacing(with: 710, where: x .> 710)
    a.replace(with: -40, where: a .< -40)
    let (k, k0, rHi, rLo) = _expReduceD4(a)
    let yLo = rLo + _expPolyD4(rHi + rLo, accurate: true)
    let big = k .> 1000
    let ki = k0.replacing(with: k0 &- 1, where: big)
    let s = unsafeBitCast((ki &+ 1023) &<< 52, to: _D4.self)
    var result = ((s - 1) + s * rHi) + s * yLo
    result.replace(
      with: (s - 1) + s * (rHi + yLo), where: (k .>= 2) .| (k .< 0))
    result.replace(with: (s * (rHi + yLo) - 1) + s, where: k .> 53)
    result.replace(with: ((1 + (rHi + yLo)) * s) * 2, where: big)
    result.replace(with: x, where: x .== 0)
    return result
  }

  /// k·ln2 + log(1 + f) + c for f in [√½ − 1, √2 − 1], given f, s =
  /// f/(2 + f) and k, in fdlibm's form: f − (hfsq − s·(hfsq + R(s²))) with
  /// hfsq = f²/2, where
  /// R(z) = z·(Lg1 + … + Lg7·z⁶) ≈ (2·atanh(s) − 2s)/s, fitted on z in
  /// [0, 0.0295] with |error| ≤ 3.2e-16 (relative to s: ≤ 5e-18). k·ln2 is
  /// added last in two parts (ln2_hi·k exact for |k| < 2^21).
  @inlinable @inline(__always)
  internal static func _logCoreD4(_ f: _D4, _ s: _D4, _ dk: _D4, _ c: _D4)
    -> _D4
  {
    let z = s * s
    let w = z * z
    var t1 = _mad(w, 0x1.39fca5793de10p-3, 0x1.c71c62b68a4d3p-3)
    t1 = _mad(w, t1, 0x1.9999999995194p-2)
    t1 = w * t1
    var t2 = _mad(w, 0x1.2b6da53267624p-3, 0x1.7462c203810fcp-3)
    t2 = _mad(w, t2, 0x1.2492492e16297p-2)
    t2 = _mad(w, t2, 0x1.5555555555558p-1)
    t2 = z * t2
    let hfsq = 0.5 * f * f
    let small = s * (hfsq + (t2 + t1)) + (dk * 0x1.a39ef35793c76p-33 + c)
    return ((small - hfsq) + f) + dk * 0x1.62e42feep-1
  }

  /// The biased exponent field (bits 52...62) of `bits` as a Double,
  /// exactly: or-ing it into the mantissa of 2^52 and subtracting 2^52.
  @inlinable @inline(__always)
  internal static func _exponentFieldD4(_ bits: _U4) -> _D4 {
    let e = bits &>> 52
    return unsafeBitCast(e | 0x4330_0000_0000_0000, to: _D4.self) - 0x1p52
  }

  /// log(x) for 4 Doubles. As `_logF8`, subnormal x scaled by 2^54 first.
  @inlinable @inline(__always)
  internal static func _logD4(_ x: _D4) -> _D4 {
    let tiny = x .< Double.leastNormalMagnitude
    let xs = x.replacing(with: x * 0x1p54, where: tiny)
    var ix =
      unsafeBitCast(xs, to: _U4.self)
      &+ (0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd)
    var dk = _exponentFieldD4(ix) - 1023
    dk.replace(with: dk - 54, where: tiny)
    ix = (ix & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd
    let f = unsafeBitCast(ix, to: _D4.self) - 1
    var y = _logCoreD4(f, f / (2 + f), dk, _D4(repeating: 0))
    y.replace(with: .nan, where: x .< 0)
    y.replace(with: -.infinity, where: x .== 0)
    y.replace(with: x, where: .!(x .< .infinity))
    return y
  }

  /// log(1 + x) for 4 Doubles. As `_log1pF8`; the correction is dropped
  /// for k ≥ 54.
  @inlinable @inline(__always)
  internal static func _log1pD4(_ x: _D4) -> _D4 {
    let u = 1 + x
    let iu =
      unsafeBitCast(u, to: _U4.self)
      &+ (0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd)
    let dk = _exponentFieldD4(iu) - 1023
    let m = unsafeBitCast(
      (iu & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd, to: _D4.self)
    let k0 = dk .== 0
    var f = m - 1
    f.replace(with: x, where: k0)
    let s = f / (2 + f)
    var c = x - (u - 1)
    c.replace(with: 1 - (u - x), where: dk .>= 2)
    c = c / u
    c.replace(with: 0, where: k0 .| (dk .>= 54))
    var y = _logCoreD4(f, s, dk, c)
    y.replace(with: .nan, where: x .< -1)
    y.replace(with: -.infinity, where: x .== -1)
    y.replace(with: x, where: .!(x .< .infinity) .| (x .== 0))
    return y
  }
}
