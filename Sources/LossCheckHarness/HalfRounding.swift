import Foundation
import LossCheck

/// Rounding to the half dtypes and their shortest decimals.
///
/// Both dtypes' values are Floats exactly, so a half value is held as the
/// `Float` it equals. Every rounding here is a single round-to-nearest,
/// ties-to-even step from the source value (Double or Float) to the
/// dtype: never through float32 first.
public enum HalfRounding {
  /// `x` rounded to float16 (as a Float): NaN stays NaN, a magnitude of
  /// 65520 (the midpoint above 65504, a tie that goes to the even 2^16) or
  /// more becomes an infinity of its sign.
  ///
  /// The bits of a normal-range magnitude get the integer bias trick (add
  /// 0xFFF plus the last kept bit, clear the 13 dropped bits: ties to
  /// even, carrying into the exponent); below 2^-14, where float16's
  /// quantum is the fixed 2^-24, adding and subtracting 0.5 (whose Float
  /// ulp is 2^-24) rounds in one step. Both agree with `Float16(x)`
  /// (HalfEncodingTests), without its software conversion.
  @inlinable
  public static func float16(_ x: Float) -> Float {
    let sign = x.bitPattern & 0x8000_0000
    let a = x.magnitude
    if a < 0x1p-14 {
      return Float(bitPattern: sign | ((a + 0.5) - 0.5).bitPattern)
    }
    if x.isNaN { return x }
    let bits = a.bitPattern
    var r = (bits &+ 0x0FFF &+ ((bits >> 13) & 1)) & ~UInt32(0x1FFF)
    if r > 0x477F_E000 { r = 0x7F80_0000 }  // past 65504
    return Float(bitPattern: sign | r)
  }

  /// `x` rounded to bfloat16 (as a Float), in one rounding: the bias
  /// trick of `BFloat16(x)` on the Float's bits, kept in a Float (NaN
  /// stays NaN).
  @inlinable
  public static func bfloat16(_ x: Float) -> Float {
    let bits = x.bitPattern
    let r = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
    return x.isNaN ? x : Float(bitPattern: r)
  }

  /// `x` rounded once, directly from Double, to float16 (as a Float).
  @inlinable
  public static func float16(_ x: Double) -> Float { Float(Float16(x)) }

  /// `x` rounded once, directly from Double, to bfloat16 (as a Float).
  @inlinable
  public static func bfloat16(_ x: Double) -> Float { Float(BFloat16(x)) }

  /// `x` rounded once from Double to `dtype` (float16 or bfloat16; any
  /// other dtype rounds to Float).
  public static func round(_ x: Double, to dtype: DType) -> Float {
    switch dtype {
    case .float16: float16(x)
    case .bfloat16: bfloat16(x)
    default: Float(x)
    }
  }

  /// Rounds every element of `t` once to `dtype` (float16 or bfloat16;
  /// any other dtype leaves `t` as it is), in place.
  public static func round(_ t: inout Tensor<Float>, to dtype: DType) {
    switch dtype {
    case .float16:
      t.withUnsafeMutableScalars { b in
        for i in b.indices { b[i] = float16(b[i]) }
      }
    case .bfloat16:
      t.withUnsafeMutableScalars { b in
        for i in b.indices { b[i] = bfloat16(b[i]) }
      }
    default: break
    }
  }

  /// `t` with every element passed through `rounding`.
  @inlinable
  public static func rounded(
    _ t: Tensor<Float>, _ rounding: (Float) -> Float
  ) -> Tensor<Float> {
    var out = t
    out.withUnsafeMutableScalars { b in
      for i in b.indices { b[i] = rounding(b[i]) }
    }
    return out
  }

  /// The shortest decimal that reads back (through Double, then rounded
  /// to `dtype`) as the half value `v`, written as C's `%.Ng` writes it
  /// ("0.1", "6.55e+04"); "0" and "-0" for zeros. `v` must be a finite
  /// value of `dtype` (float16 or bfloat16).
  public static func shortestDecimal(_ v: Float, _ dtype: DType) -> String {
    shortestRoundTripDecimal(Double(v)) { back in
      round(back, to: dtype).bitPattern == v.bitPattern
    }
  }
}
