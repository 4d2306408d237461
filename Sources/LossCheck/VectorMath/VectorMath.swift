/// Vectorized elementary functions for the loss kernels: `exp`, `expm1`,
/// `log` and `log1p` on SIMD vectors of `Float` and `Double`, and in bulk on
/// buffers and arrays (see `VectorMathScalar`).
///
/// All four are the classic range-reduction-plus-polynomial schemes with
/// branch-free lane selects for the special cases. The polynomials are
/// evaluated with fused multiply-adds when the package is built with
/// `LOSSCHECK_FMA` (Package.swift defines it together with
/// `-target-cpu haswell`; see `_mad`), with a multiply and an add otherwise;
/// nothing else depends on FMA, and both builds meet the accuracy below
/// (their results may differ in the last bit):
///
/// - `exp(x)`: x = k·ln2 + r with k = round(x/ln2) and a Cody–Waite two-part
///   ln2, so that |r| ≤ ln2/2 is computed (almost) exactly; e^r = 1 + r +
///   r²·P(r) with a near-minimax P (degree 5 for Float, 10 for Double); the
///   result is scaled by 2^k as two exact power-of-two multiplies, so
///   results near the overflow threshold and subnormal results are rounded
///   once, correctly, like libm.
/// - `expm1(x)`: the same reduction; e^r − 1 = r + r²·P(r), then
///   2^k·(e^r − 1) + (2^k − 1), exact in x for k = 0 (no cancellation).
/// - `log(x)`: x = 2^k·m with m in [√½, √2) (subnormal x is first scaled
///   up), f = m − 1, s = f/(2 + f), log(1 + f) = f − f²/2 + s·(f²/2 + R(s²))
///   (fdlibm's form, with a near-minimax R), plus k·ln2 in two parts.
/// - `log1p(x)`: u = 1 + x, rounded, reduced as for `log`, plus the
///   correction c/u where c = (1 + x) − u exactly; for u in [√½, √2) the
///   reduction uses f = x itself, so small x lose nothing.
///
/// Special values follow C's Annex F (and glibc): `exp(-inf) = 0`,
/// `exp(+inf) = +inf`, overflow gives `+inf` and underflow gradual
/// subnormals then `0`; `expm1(-inf) = -1`, `expm1(±0) = ±0`;
/// `log(±0) = -inf`, `log(x < 0) = nan`, `log(+inf) = +inf`;
/// `log1p(-1) = -inf`, `log1p(x < -1) = nan`, `log1p(±0) = ±0`. NaN in
/// gives NaN out (not necessarily the same payload). Floating-point
/// exception flags are not meaningful.
///
/// Accuracy against the platform libm, measured by `vectormath-accuracy`
/// (docs/VECTOR_MATH.md): at most 2 ULPs everywhere, Float and Double,
/// including subnormal results.
///
/// The lane results do not depend on the lane or on the width: the
/// `SIMD16<Float>` and `SIMD8<Double>` overloads run the 8- and 4-lane
/// kernels on each half, and the scalar overloads run them on a splat, so a
/// value computed through any entry point is bit-identical.
@usableFromInline package enum VectorMath {}

// MARK: Float, 8 and 16 lanes, and scalar

extension VectorMath {
  /// e^x in each lane. exp(−inf) = 0, exp(+inf) = +inf, x > 88.72283 gives
  /// +inf, x < −103.97 gives 0, NaN gives NaN.
  @inlinable @inline(__always)
  package static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> { _expF8(x) }

  /// e^x in each lane; see `exp(_: SIMD8<Float>)`.
  @inlinable @inline(__always)
  package static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: _expF8(x.lowHalf), highHalf: _expF8(x.highHalf))
  }

  /// e^x − 1 in each lane, accurate for small x. expm1(±0) = ±0,
  /// expm1(−inf) = −1, expm1(+inf) = +inf, x > 88.72283 gives +inf.
  @inlinable @inline(__always)
  package static func expm1(_ x: SIMD8<Float>) -> SIMD8<Float> { _expm1F8(x) }

  /// e^x − 1 in each lane; see `expm1(_: SIMD8<Float>)`.
  @inlinable @inline(__always)
  package static func expm1(_ x: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: _expm1F8(x.lowHalf), highHalf: _expm1F8(x.highHalf))
  }

  /// The natural logarithm in each lane. log(±0) = −inf, log(x < 0) = NaN,
  /// log(+inf) = +inf, NaN gives NaN; subnormal x are handled exactly (they
  /// are scaled by 2^25 before the exponent is taken).
  @inlinable @inline(__always)
  package static func log(_ x: SIMD8<Float>) -> SIMD8<Float> { _logF8(x) }

  /// The natural logarithm in each lane; see `log(_: SIMD8<Float>)`.
  @inlinable @inline(__always)
  package static func log(_ x: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: _logF8(x.lowHalf), highHalf: _logF8(x.highHalf))
  }

  /// log(1 + x) in each lane, accurate for small x. log1p(±0) = ±0,
  /// log1p(−1) = −inf, log1p(x < −1) = NaN, log1p(+inf) = +inf.
  @inlinable @inline(__always)
  package static func log1p(_ x: SIMD8<Float>) -> SIMD8<Float> { _log1pF8(x) }

  /// log(1 + x) in each lane; see `log1p(_: SIMD8<Float>)`.
  @inlinable @inline(__always)
  package static func log1p(_ x: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: _log1pF8(x.lowHalf), highHalf: _log1pF8(x.highHalf))
  }

  /// e^x, by the vector kernel on a splat (bit-identical to the lanes).
  @inlinable
  package static func exp(_ x: Float) -> Float {
    _expF8(SIMD8(repeating: x))[0]
  }
  /// e^x − 1, by the vector kernel on a splat.
  @inlinable
  package static func expm1(_ x: Float) -> Float {
    _expm1F8(SIMD8(repeating: x))[0]
  }
  /// log(x), by the vector kernel on a splat.
  @inlinable
  package static func log(_ x: Float) -> Float {
    _logF8(SIMD8(repeating: x))[0]
  }
  /// log(1 + x), by the vector kernel on a splat.
  @inlinable
  package static func log1p(_ x: Float) -> Float {
    _log1pF8(SIMD8(repeating: x))[0]
  }
}

// MARK: Double, 4 and 8 lanes, and scalar

extension VectorMath {
  /// e^x in each lane. exp(−inf) = 0, exp(+inf) = +inf, x > 709.7827
  /// gives +inf, x < −745.14 gives 0, NaN gives NaN.
  @inlinable @inline(__always)
  package static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> { _expD4(x) }

  /// e^x in each lane; see `exp(_: SIMD4<Double>)`.
  @inlinable @inline(__always)
  package static func exp(_ x: SIMD8<Double>) -> SIMD8<Double> {
    SIMD8(lowHalf: _expD4(x.lowHalf), highHalf: _expD4(x.highHalf))
  }

  /// e^x − 1 in each lane, accurate for small x. expm1(±0) = ±0,
  /// expm1(−inf) = −1, expm1(+inf) = +inf, x > 709.7827 gives +inf.
  @inlinable @inline(__always)
  package static func expm1(_ x: SIMD4<Double>) -> SIMD4<Double> {
    _expm1D4(x)
  }

  /// e^x − 1 in each lane; see `expm1(_: SIMD4<Double>)`.
  @inlinable @inline(__always)
  package static func expm1(_ x: SIMD8<Double>) -> SIMD8<Double> {
    SIMD8(lowHalf: _expm1D4(x.lowHalf), highHalf: _expm1D4(x.highHalf))
  }

  /// The natural logarithm in each lane. log(±0) = −inf, log(x < 0) = NaN,
  /// log(+inf) = +inf, NaN gives NaN.
  @inlinable @inline(__always)
  package static func log(_ x: SIMD4<Double>) -> SIMD4<Double> { _logD4(x) }

  /// The natural logarithm in each lane; see `log(_: SIMD4<Double>)`.
  @inlinable @inline(__always)
  package static func log(_ x: SIMD8<Double>) -> SIMD8<Double> {
    SIMD8(lowHalf: _logD4(x.lowHalf), highHalf: _logD4(x.highHalf))
  }

  /// log(1 + x) in each lane, accurate for small x. log1p(±0) = ±0,
  /// log1p(−1) = −inf, log1p(x < −1) = NaN, log1p(+inf) = +inf.
  @inlinable @inline(__always)
  package static func log1p(_ x: SIMD4<Double>) -> SIMD4<Double> {
    _log1pD4(x)
  }

  /// log(1 + x) in each lane; see `log1p(_: SIMD4<Double>)`.
  @inlinable @inline(__always)
  package static func log1p(_ x: SIMD8<Double>) -> SIMD8<Double> {
    SIMD8(lowHalf: _log1pD4(x.lowHalf), highHalf: _log1pD4(x.highHalf))
  }

  /// e^x, by the vector kernel on a splat (bit-identical to the lanes).
  @inlinable
  package static func exp(_ x: Double) -> Double {
    _expD4(SIMD4(repeating: x))[0]
  }
  /// e^x − 1, by the vector kernel on a splat.
  @inlinable
  package static func expm1(_ x: Double) -> Double {
    _expm1D4(SIMD4(repeating: x))[0]
  }
  /// log(x), by the vector kernel on a splat.
  @inlinable
  package static func log(_ x: Double) -> Double {
    _logD4(SIMD4(repeating: x))[0]
  }
  /// log(1 + x), by the vector kernel on a splat.
  @inlinable
  package static func log1p(_ x: Double) -> Double {
    _log1pD4(SIMD4(repeating: x))[0]
  }
}

// MARK: Polynomial steps

extension VectorMath {
  /// a·b + c, one Horner step: fused (one rounding) when the package is
  /// built with `LOSSCHECK_FMA`, which must only be defined for targets with
  /// FMA instructions (otherwise every step is a libm `fma` call per lane);
  /// a multiply and an add otherwise.
  @inlinable @inline(__always)
  internal static func _mad(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: Float)
    -> SIMD8<Float>
  {
    #if LOSSCHECK_FMA
      return SIMD8(repeating: c).addingProduct(a, b)
    #else
      return a * b + c
    #endif
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(_ a: SIMD8<Float>, _ b: Float, _ c: Float)
    -> SIMD8<Float>
  {
    _mad(a, SIMD8(repeating: b), c)
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(
    _ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>
  ) -> SIMD8<Float> {
    #if LOSSCHECK_FMA
      return c.addingProduct(a, b)
    #else
      return a * b + c
    #endif
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(_ a: SIMD8<Float>, _ b: Float, _ c: SIMD8<Float>)
    -> SIMD8<Float>
  {
    _mad(a, SIMD8(repeating: b), c)
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(
    _ a: SIMD4<Double>, _ b: SIMD4<Double>, _ c: Double
  ) -> SIMD4<Double> {
    #if LOSSCHECK_FMA
      return SIMD4(repeating: c).addingProduct(a, b)
    #else
      return a * b + c
    #endif
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(_ a: SIMD4<Double>, _ b: Double, _ c: Double)
    -> SIMD4<Double>
  {
    _mad(a, SIMD4(repeating: b), c)
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(
    _ a: SIMD4<Double>, _ b: SIMD4<Double>, _ c: SIMD4<Double>
  ) -> SIMD4<Double> {
    #if LOSSCHECK_FMA
      return c.addingProduct(a, b)
    #else
      return a * b + c
    #endif
  }

  /// a·b + c; see `_mad(_: SIMD8<Float>, _: SIMD8<Float>, _: Float)`.
  @inlinable @inline(__always)
  internal static func _mad(
    _ a: SIMD4<Double>, _ b: Double, _ c: SIMD4<Double>
  ) -> SIMD4<Double> {
    _mad(a, SIMD4(repeating: b), c)
  }
}
