import LossCheck
import LossCheckTestSupport
import Testing

/// BFloat16 against the definition of the format: every bit pattern
/// round-trips through Float and Double, and rounding from Float and
/// Double agrees bit for bit with an independent reference on random
/// values and on every rounding boundary.
@Suite struct BFloat16Tests {
  /// The exact value of a bfloat16 bit pattern, by the format's formula
  /// (not by the type's widening): positive patterns only; 0x7F80 stands
  /// for 2^128, the upper neighbour of the greatest finite value that
  /// rounding compares against.
  static func value(_ bits: UInt16) -> Double {
    let e = Int(bits >> 7)
    let f = Double(bits & 0x7F)
    if e == 0 { return f * 0x1p-133 }
    let scale = Double(sign: .plus, exponent: e - 127, significand: 1)
    return (1 + f / 128) * scale
  }

  /// Round to nearest, ties to even, by bracketing |x| between its two
  /// neighbouring bfloat16 values (found by bisection over the ordered
  /// positive patterns) and comparing the two distances, which Double
  /// computes exactly here: both differences are multiples of x's ulp
  /// below one bfloat16 quantum, at most 46 significant bits.
  static func reference(_ x: Double) -> UInt16 {
    precondition(!x.isNaN)
    let sign: UInt16 = x.sign == .minus ? 0x8000 : 0
    let a = x.magnitude
    if a >= 0x1p128 { return sign | 0x7F80 }
    var lo: UInt16 = 0
    var hi: UInt16 = 0x7F80
    // value(lo) <= a < value(hi)
    while hi - lo > 1 {
      let mid = lo + (hi - lo) / 2
      if value(mid) <= a { lo = mid } else { hi = mid }
    }
    let below = a - value(lo)
    let above = value(hi) - a
    if below < above { return sign | lo }
    if above < below { return sign | hi }
    return sign | (lo & 1 == 0 ? lo : hi)
  }

  @Test func theFormulaMatchesTheDefinedConstants() {
    // Guards the reference itself against the format's definition.
    #expect(Self.value(0x3F80) == 1)
    #expect(Self.value(0x7F7F) == 0x1.FEp127)
    #expect(Self.value(0x0080) == 0x1p-126)
    #expect(Self.value(0x0001) == 0x1p-133)
    #expect(Self.value(0x007F) == 127 * 0x1p-133)
    #expect(Self.value(0x4049) == 3.140625)
  }

  @Test func everyBitPatternRoundTripsThroughFloatAndDouble() {
    var nans = 0
    for bits in UInt16.min...UInt16.max {
      let b = BFloat16(bitPattern: bits)
      let f = Float(b)
      let d = Double(b)
      if b.isNaN {
        nans += 1
        #expect(f.isNaN && d.isNaN && BFloat16(f).isNaN && BFloat16(d).isNaN)
        #expect(f.sign == b.sign && BFloat16(f).sign == b.sign)
        continue
      }
      #expect(f.bitPattern == UInt32(bits) << 16)
      #expect(
        d == (bits & 0x8000 == 0 ? 1 : -1) * Self.value(bits & 0x7FFF)
          || (b.isInfinite && d.isInfinite))
      if BFloat16(f).bitPattern != bits || BFloat16(d).bitPattern != bits {
        Issue.record("0x\(String(bits, radix: 16)) does not round-trip")
      }
    }
    #expect(nans == 2 * 127)
  }

  @Test func signedZerosInfinitiesAndNaNs() {
    #expect(BFloat16(Float(0)).bitPattern == 0x0000)
    #expect(BFloat16(-Float(0)).bitPattern == 0x8000)
    #expect(BFloat16(-0.0 as Double).bitPattern == 0x8000)
    #expect(BFloat16(Float.infinity).bitPattern == 0x7F80)
    #expect(BFloat16(-Double.infinity).bitPattern == 0xFF80)
    // A NaN whose payload sits in the dropped bits stays NaN (truncation
    // would make it an infinity), and comes out quiet with its sign.
    for raw: UInt32 in [0x7F80_0001, 0xFF80_0001, 0x7FC0_0000, 0x7FBF_FFFF] {
      let b = BFloat16(Float(bitPattern: raw))
      #expect(b.isNaN && !b.isSignalingNaN)
      #expect(b.sign == (raw >> 31 == 1 ? .minus : .plus))
    }
    #expect(BFloat16(Double.nan).isNaN && BFloat16(-Double.nan).sign == .minus)
    #expect(BFloat16.nan != BFloat16.nan)
    #expect(BFloat16(bitPattern: 0x8000) == BFloat16(bitPattern: 0))
    #expect(!(BFloat16.nan < BFloat16.one) && !(BFloat16.one < BFloat16.nan))
  }

  @Test func overflowAndUnderflowAtTheirThresholds() {
    // The midpoint of the greatest finite value and 2^128 ties to 2^128.
    #expect(BFloat16(Float(0x1.FFp127)).isInfinite)
    #expect(BFloat16(Float(0x1.FFp127).nextDown).bitPattern == 0x7F7F)
    #expect(BFloat16(Float.greatestFiniteMagnitude).isInfinite)
    #expect(BFloat16(0x1.FFp127 as Double).isInfinite)
    #expect(BFloat16((0x1.FFp127 as Double).nextDown).bitPattern == 0x7F7F)
    #expect(BFloat16(-1e300).bitPattern == 0xFF80)
    // Half the least subnormal ties to (even) zero; above it rounds up.
    #expect(BFloat16(Float(0x1p-134)).bitPattern == 0)
    #expect(BFloat16(Float(0x1p-134).nextUp).bitPattern == 1)
    #expect(BFloat16(-0x1p-134 as Double).bitPattern == 0x8000)
    #expect(BFloat16((0x1p-134 as Double).nextUp).bitPattern == 1)
    #expect(BFloat16(Float.leastNonzeroMagnitude).bitPattern == 0)
    #expect(BFloat16(Double.leastNonzeroMagnitude).bitPattern == 0)
    // Rounding carries from the largest subnormal into the least normal.
    #expect(BFloat16(Float(0x1.FFp-127)).bitPattern == 0x0080)
  }

  /// For each positive bfloat16 value: the value, the midpoint to the
  /// next one, and the floats on both sides of each; and their negations.
  static func floatBoundaries() -> [Float] {
    var xs: [Float] = []
    xs.reserveCapacity(0x7F80 * 12)
    for bits in UInt16(0)..<0x7F80 {
      let v = Float(value(bits))
      let m = Float((value(bits) + value(bits + 1)) / 2)
      for x in [v, v.nextDown, v.nextUp, m, m.nextDown, m.nextUp] {
        xs.append(x)
        xs.append(-x)
      }
    }
    return xs
  }

  @Test func floatRoundingAgreesWithTheReference() {
    var rng = SeededRandom(seed: 0x5EED_0001)
    var xs = Self.floatBoundaries()
    for _ in 0..<1_000_000 {
      xs.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
    }
    var checked = 0
    var wrong: [Float] = []
    for x in xs where !x.isNaN {
      checked += 1
      if BFloat16(x).bitPattern != Self.reference(Double(x)) {
        wrong.append(x)
      }
    }
    #expect(checked > 1_300_000)
    #expect(wrong.isEmpty, "\(wrong.prefix(10).map(\.bitPattern))")
  }

  /// Doubles beside each midpoint, within one double ulp and one float
  /// ulp, where rounding through Float first goes wrong.
  static func doubleBoundaries() -> [Double] {
    var xs: [Double] = []
    xs.reserveCapacity(0x7F80 * 14)
    for bits in UInt16(0)..<0x7F80 {
      let v = value(bits)
      let m = (v + value(bits + 1)) / 2
      let floatUlp = Double(Float(m).ulp)
      let near = [m - floatUlp / 4, m + floatUlp / 4]
      for x in [v, v.nextUp, m, m.nextDown, m.nextUp] + near {
        xs.append(x)
        xs.append(-x)
      }
    }
    return xs
  }

  @Test func doubleRoundingAgreesWithTheReferenceInOneRounding() {
    var rng = SeededRandom(seed: 0x5EED_0002)
    var xs = Self.doubleBoundaries()
    for _ in 0..<500_000 {
      // Exponents over bfloat16's range and a little beyond, random bits.
      let e = Int(rng.next() % 280) - 145
      let s = Double(rng.next() >> 11) * 0x1p-53 + 1
      let sign: FloatingPointSign = rng.next() & 1 == 0 ? .plus : .minus
      let x = Double(sign: sign, exponent: e, significand: s)
      xs.append(x)
    }
    var wrong: [Double] = []
    var throughFloatWrong = 0
    for x in xs {
      let want = Self.reference(x)
      if BFloat16(x).bitPattern != want { wrong.append(x) }
      if BFloat16(Float(x)).bitPattern != want { throughFloatWrong += 1 }
    }
    #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    // The boundary set does hold the double-rounding cases: rounding
    // through Float would miss thousands of them.
    #expect(throughFloatWrong > 10_000, "\(throughFloatWrong)")
  }

  @Test func ulpNextUpNextDownAndOrder() {
    #expect(Float(BFloat16.ulpOfOne) == 0x1p-7)
    #expect(Float(BFloat16.greatestFiniteMagnitude) == 0x1.FEp127)
    #expect(Float(BFloat16.leastNormalMagnitude) == 0x1p-126)
    #expect(Float(BFloat16.leastNonzeroMagnitude) == 0x1p-133)
    #expect(Float(BFloat16.greatestFiniteMagnitude.ulp) == 0x1p120)
    #expect(BFloat16.infinity.ulp.isNaN && BFloat16.nan.ulp.isNaN)
    #expect(BFloat16.infinity.nextUp == .infinity)
    #expect((-BFloat16.infinity).nextUp == -BFloat16.greatestFiniteMagnitude)
    #expect((-BFloat16.leastNonzeroMagnitude).nextUp.bitPattern == 0x8000)
    #expect(BFloat16(bitPattern: 0x8000).nextUp == .leastNonzeroMagnitude)
    #expect(BFloat16.zero.nextDown == -BFloat16.leastNonzeroMagnitude)
    for bits in UInt16(0)..<0x7F80 {
      let x = BFloat16(bitPattern: bits)
      let next = Self.value(bits + 1)
      // nextUp is the next value up, and ulp the gap to it (for the
      // greatest finite value, the gap to 2^128).
      #expect(x.nextUp.bitPattern == bits + 1)
      #expect(x < x.nextUp && (-x.nextUp) < (-x))
      #expect((-x.nextUp).nextUp == -x || bits == 0)
      if Double(x.ulp) != next - Self.value(bits) {
        Issue.record("ulp of 0x\(String(bits, radix: 16))")
      }
    }
  }

  @Test func everyDescriptionIsShortAndReadsBack() {
    #expect(BFloat16.one.description == "1")
    // 0.1 rounds to 0.10009765625, and "0.1" reads back to it.
    #expect(BFloat16(0.1 as Double).description == "0.1")
    #expect(BFloat16(bitPattern: 0x3DCE).description == "0.1006")
    #expect(BFloat16(bitPattern: 0x8000).description == "-0")
    #expect(BFloat16.infinity.description == "inf")
    for bits in UInt16.min...UInt16.max {
      let b = BFloat16(bitPattern: bits)
      guard b.isFinite, !b.isZero else { continue }
      let text = b.description
      let digits = text.prefix { $0 != "e" }.filter(\.isNumber)
        .drop { $0 == "0" }.count
      if digits > 4 || Double(text).map({ BFloat16($0).bitPattern }) != bits {
        Issue.record("0x\(String(bits, radix: 16)) → \(text)")
      }
    }
  }

  @Test func literalsHashAndFloat16() {
    let x: BFloat16 = 3.14159
    #expect(x.bitPattern == 0x4049)
    let zeros = [BFloat16(bitPattern: 0), BFloat16(bitPattern: 0x8000)]
    #expect(Set(zeros).count == 1)
    // Float16 is a standard type here; it converts exactly through Float.
    let h = Float16(0.333)
    #expect(BFloat16(h).bitPattern == BFloat16(Float(h)).bitPattern)
    // Float16(Double) rounds once: the double just above the midpoint of
    // 1 and 1 + 2^-10 goes up, where rounding through Float ties down.
    let d = 1 + 0x1p-11 + 0x1p-40
    #expect(Float16(d) == 1 + 0x1p-10)
    #expect(Float16(Float(d)) == 1)
  }
}
