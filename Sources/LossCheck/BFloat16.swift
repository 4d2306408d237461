import Foundation

/// The bfloat16 format ("brain float"): the top 16 bits of an IEEE 754
/// binary32, so 1 sign bit, the same 8 exponent bits (bias 127) and 7
/// stored significand bits (8 bits of precision).
///
/// Finite values are (-1)^s · 1.f · 2^(e-127) for exponent fields e in
/// 1...254 and (-1)^s · 0.f · 2^-126 for e = 0 (zeros and subnormals);
/// e = 255 holds the infinities (f = 0) and NaNs (f ≠ 0, quiet when the
/// top bit of f is set). The range is binary32's, the precision 2^-8
/// relative (half an ulp): greatestFiniteMagnitude is (2 − 2^-7) · 2^127,
/// leastNormalMagnitude 2^-126, leastNonzeroMagnitude 2^-133.
///
/// Conversions from `Float` and `Double` round once, to nearest with ties
/// to even (IEEE 754 roundTiesToEven), straight from the source value:
/// a `Double` is never rounded to `Float` first, which would round twice
/// and can land on the wrong neighbour when the double lies just beside a
/// midpoint of two bfloat16 values. A magnitude of at least the midpoint
/// between greatestFiniteMagnitude and 2^128 becomes an infinity of its
/// sign (the tie goes to 2^128, whose significand is even); magnitudes at
/// most half of leastNonzeroMagnitude become a zero of their sign; NaN
/// stays NaN (quiet, sign kept). Conversions to `Float` and `Double` are
/// exact.
///
/// Comparison is IEEE's, through `Float`: NaN is unordered and unequal to
/// everything, itself included; −0 equals +0.
public struct BFloat16: Sendable {
  /// The 16 bits: sign, 8 exponent bits, 7 significand bits.
  public var bitPattern: UInt16

  /// The value with these bits.
  public init(bitPattern: UInt16) {
    self.bitPattern = bitPattern
  }

  /// `value` rounded to nearest, ties to even (see the type's notes).
  public init(_ value: Float) {
    bitPattern = BFloat16.roundedBits(value)
  }

  /// `value` rounded to nearest, ties to even, in one rounding (see the
  /// type's notes).
  public init(_ value: Double) {
    bitPattern = BFloat16.roundedBits(value)
  }

  #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    /// `value` rounded to nearest, ties to even (exactly as from the
    /// `Float` holding it: Float16 widens to Float exactly).
    public init(_ value: Float16) {
      bitPattern = BFloat16.roundedBits(Float(value))
    }
  #endif

  /// Float → bfloat16 bits by the integer bias trick: adding 0x7FFF plus
  /// the kept part's last bit to the 32 bits and dropping the low 16
  /// rounds to nearest with ties to even, carries into the exponent when
  /// the significand overflows, and reaches the infinity's bits past the
  /// largest finite value. NaNs are kept apart (their low bits could carry
  /// them into the next sign or make an infinity) and made quiet.
  static func roundedBits(_ x: Float) -> UInt16 {
    let bits = x.bitPattern
    if x.isNaN {
      return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
    }
    let bias = 0x7FFF &+ ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ bias) >> 16)
  }

  /// Double → bfloat16 bits in one rounding: the magnitude divided by the
  /// quantum of its binade (2^(e−7) for 2^e ≤ |x|, 2^-133 below 2^-126),
  /// rounded to an integer with ties to even, times the quantum. Each step
  /// is exact in Double (power-of-two scalings that stay in range, and an
  /// integer below 2^9), so the only rounding is the one to the integer.
  /// The result has at most 8 significant bits and lies in binary32's
  /// range, so Float holds it exactly and its top 16 bits are the answer.
  static func roundedBits(_ x: Double) -> UInt16 {
    if x.isNaN { return roundedBits(Float(x)) }
    let sign: UInt16 = x.sign == .minus ? 0x8000 : 0
    let a = x.magnitude
    // The midpoint of greatestFiniteMagnitude and 2^128: ties go up.
    if a >= 0x1.FFp127 { return sign | 0x7F80 }
    let quantum =
      a < 0x1p-126
      ? 0x1p-133 : Double(sign: .plus, exponent: a.exponent - 7, significand: 1)
    let r = (a / quantum).rounded(.toNearestOrEven) * quantum
    return sign | UInt16(truncatingIfNeeded: Float(r).bitPattern >> 16)
  }
}

extension BFloat16 {
  /// Positive infinity.
  public static let infinity = BFloat16(bitPattern: 0x7F80)
  /// A quiet NaN (positive sign, no payload).
  public static let nan = BFloat16(bitPattern: 0x7FC0)
  /// A signaling NaN (positive sign).
  public static let signalingNaN = BFloat16(bitPattern: 0x7FA0)
  /// The largest finite value, (2 − 2^-7) · 2^127 ≈ 3.39e38.
  public static let greatestFiniteMagnitude = BFloat16(bitPattern: 0x7F7F)
  /// The smallest positive normal value, 2^-126 ≈ 1.18e-38.
  public static let leastNormalMagnitude = BFloat16(bitPattern: 0x0080)
  /// The smallest positive value, the subnormal 2^-133 ≈ 9.18e-41.
  public static let leastNonzeroMagnitude = BFloat16(bitPattern: 0x0001)
  /// The distance from 1 to the next value, 2^-7.
  public static let ulpOfOne = BFloat16(bitPattern: 0x3C00)
  /// Positive zero.
  public static let zero = BFloat16(bitPattern: 0)
  /// One.
  public static let one = BFloat16(bitPattern: 0x3F80)

  /// The number of exponent bits, 8.
  public static let exponentBitCount = 8
  /// The number of stored significand bits, 7.
  public static let significandBitCount = 7

  /// The biased exponent field, 0...255.
  public var exponentBitPattern: UInt16 { (bitPattern >> 7) & 0xFF }
  /// The stored significand bits, 0...127.
  public var significandBitPattern: UInt16 { bitPattern & 0x7F }

  /// Minus for a set sign bit (−0, negative values, NaNs with the bit).
  public var sign: FloatingPointSign {
    bitPattern & 0x8000 == 0 ? .plus : .minus
  }
  /// Whether the value is a NaN, quiet or signaling.
  public var isNaN: Bool { bitPattern & 0x7FFF > 0x7F80 }
  /// Whether the value is a signaling NaN (top significand bit clear).
  public var isSignalingNaN: Bool { isNaN && bitPattern & 0x0040 == 0 }
  /// Whether the value is +∞ or −∞.
  public var isInfinite: Bool { bitPattern & 0x7FFF == 0x7F80 }
  /// Whether the value is neither infinite nor NaN.
  public var isFinite: Bool { exponentBitPattern != 0xFF }
  /// Whether the value is +0 or −0.
  public var isZero: Bool { bitPattern & 0x7FFF == 0 }
  /// Whether the value is subnormal (nonzero with a zero exponent field).
  public var isSubnormal: Bool { exponentBitPattern == 0 && !isZero }
  /// Whether the value is normal (finite, nonzero, not subnormal).
  public var isNormal: Bool { isFinite && exponentBitPattern != 0 }

  /// The absolute value (the sign bit cleared, NaNs included).
  public var magnitude: BFloat16 { BFloat16(bitPattern: bitPattern & 0x7FFF) }

  /// The value with the sign bit flipped (NaNs included).
  public static prefix func - (x: BFloat16) -> BFloat16 {
    BFloat16(bitPattern: x.bitPattern ^ 0x8000)
  }

  /// The unit in the last place of the value's binade: 2^(e−7) for a
  /// normal value with 2^e ≤ |x| < 2^(e+1), 2^-133 for zeros and
  /// subnormals; NaN for infinities and NaNs. For the greatest finite
  /// value it is 2^120, the distance to 2^128.
  public var ulp: BFloat16 {
    let e = exponentBitPattern
    if e == 0xFF { return .nan }
    if e == 0 { return .leastNonzeroMagnitude }
    // A normal ulp when e − 7 is a normal exponent field, else the
    // subnormal 2^(e−1) · 2^-133.
    if e > 7 { return BFloat16(bitPattern: (e - 7) << 7) }
    return BFloat16(bitPattern: 1 << (e - 1))
  }

  /// The least value greater than this one: +∞ stays +∞, NaN gives a
  /// quiet NaN, both zeros give leastNonzeroMagnitude, −leastNonzero
  /// gives −0, −∞ gives −greatestFiniteMagnitude.
  public var nextUp: BFloat16 {
    if isNaN { return BFloat16(bitPattern: bitPattern | 0x0040) }
    if bitPattern == 0x7F80 { return self }
    if isZero { return .leastNonzeroMagnitude }
    if sign == .plus { return BFloat16(bitPattern: bitPattern + 1) }
    return BFloat16(bitPattern: bitPattern - 1)
  }

  /// The greatest value less than this one (the mirror of `nextUp`).
  public var nextDown: BFloat16 { -(-self).nextUp }
}

extension Float {
  /// The bfloat16 value, exactly (its bits are the top half of a Float's).
  public init(_ value: BFloat16) {
    self.init(bitPattern: UInt32(value.bitPattern) << 16)
  }
}

extension Double {
  /// The bfloat16 value, exactly.
  public init(_ value: BFloat16) {
    self.init(Float(value))
  }
}

extension BFloat16: Equatable, Hashable, Comparable {
  /// IEEE equality: NaN equals nothing, −0 equals +0.
  public static func == (a: BFloat16, b: BFloat16) -> Bool {
    Float(a) == Float(b)
  }

  /// IEEE order: false whenever a NaN is involved.
  public static func < (a: BFloat16, b: BFloat16) -> Bool {
    Float(a) < Float(b)
  }

  /// Hashes the value as `Float` does, so −0 and +0 hash alike.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(Float(self))
  }
}

extension BFloat16: ExpressibleByFloatLiteral {
  /// The literal rounded to nearest bfloat16. The compiler hands over the
  /// literal already rounded to Double, so a literal within 2^-53
  /// (relative) of a midpoint of two bfloat16 values, but not on it, can
  /// round the other way than its exact decimal value would.
  public init(floatLiteral value: Double) {
    self.init(value)
  }
}

extension BFloat16: CustomStringConvertible, CustomDebugStringConvertible {
  /// The shortest decimal (at most 4 significant digits) that reads back
  /// through `Double` to the same value, e.g. "0.1001" for the value
  /// nearest 0.1, "1" for one; "inf", "-inf", "nan", "0" and "-0" for the
  /// special values.
  ///
  /// At a power of two the nearest decimal of a length may read back as
  /// the value below: 2^64 is "1.85e+19", not "1.84e+19".
  public var description: String {
    if isNaN { return sign == .minus ? "-nan" : "nan" }
    if isInfinite { return sign == .minus ? "-inf" : "inf" }
    if isZero { return sign == .minus ? "-0" : "0" }
    return shortestRoundTripDecimal(Double(self)) { back in
      BFloat16(back).bitPattern == bitPattern
    }
  }

  /// The description, with the bits: "1.0 (0x3F80)".
  public var debugDescription: String {
    let hex = String(bitPattern, radix: 16, uppercase: true)
    let zeros = String(repeating: "0", count: 4 - hex.count)
    return "\(description) (0x\(zeros)\(hex))"
  }
}
