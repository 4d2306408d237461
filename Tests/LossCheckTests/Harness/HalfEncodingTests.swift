import Foundation
import LossCheck
import LossCheckHarness
import Testing

/// The half dtypes' decimals and rounding, over every bit pattern.
@Suite struct HalfEncodingTests {
  static func value(_ bits: UInt16, _ dtype: DType) -> Float {
    dtype == .float16
      ? Float(Float16(bitPattern: bits)) : Float(BFloat16(bitPattern: bits))
  }

  /// Whether the decimal reads back (through Double, one rounding to the
  /// dtype) as exactly `v`, sign included.
  static func readsBack(_ s: String, _ v: Float, _ dtype: DType) -> Bool {
    guard let d = Double(s) else { return false }
    return HalfRounding.round(d, to: dtype).bitPattern == v.bitPattern
  }

  /// The significant digits of a decimal such as "-6.55e+04" or "0.0123".
  static func digits(_ s: String) -> Int {
    let mantissa = s.split(separator: "e").first.map(String.init) ?? s
    let ds = mantissa.filter(\.isNumber).drop { $0 == "0" }
    return max(ds.count, 1)
  }

  /// The two decimals of `n` significant digits around |v|, from v's
  /// exact decimal expansion (glibc prints it exactly) truncated and then
  /// stepped up by one unit in the last digit.
  static func bracket(_ v: Float, _ n: Int) -> (String, String) {
    let exact = String(format: "%.200e", Double(v.magnitude))
    let parts = exact.split(separator: "e")
    let exponent = Int(parts[1]) ?? 0
    let all = parts[0].filter(\.isNumber)
    let m = Int(String(all.prefix(n))) ?? 0
    let sign = v.sign == .minus ? "-" : ""
    let scale = exponent - n + 1
    return ("\(sign)\(m)e\(scale)", "\(sign)\(m + 1)e\(scale)")
  }

  /// Every finite pattern's decimal (by `encode`, default the harness's
  /// encoder) reads back, and no decimal with one digit fewer does.
  func exhaustive(_ dtype: DType, _ encode: ((UInt16, Float) -> String)? = nil)
  {
    var failures: [String] = []
    for bits in UInt16.min...UInt16.max {
      let v = Self.value(bits, dtype)
      guard v.isFinite else { continue }
      let s = encode?(bits, v) ?? HalfRounding.shortestDecimal(v, dtype)
      if !Self.readsBack(s, v, dtype) {
        failures.append("\(bits): \(s) does not read back as \(v)")
        continue
      }
      let n = Self.digits(s)
      guard v != 0, n > 1 else { continue }
      let (lo, hi) = Self.bracket(v, n - 1)
      if Self.readsBack(lo, v, dtype) || Self.readsBack(hi, v, dtype) {
        failures.append("\(bits): \(s) but \(lo) or \(hi) is shorter")
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5)) of \(failures.count)")
  }

  @Test func float16DecimalsAreShortestAndReadBack() { exhaustive(.float16) }

  @Test func bfloat16DecimalsAreShortestAndReadBack() {
    exhaustive(.bfloat16)
  }

  @Test func bfloat16DescriptionIsShortestAndReadsBack() {
    exhaustive(.bfloat16) { bits, _ in BFloat16(bitPattern: bits).description }
  }

  @Test func decimalsAreWrittenAsCPrintsThem() {
    #expect(HalfRounding.shortestDecimal(65504, .float16) == "6.55e+04")
    #expect(
      HalfRounding.shortestDecimal(HalfRounding.float16(0.1), .float16)
        == "0.1")
    #expect(HalfRounding.shortestDecimal(-0.0, .bfloat16) == "-0")
    #expect(HalfRounding.shortestDecimal(1, .bfloat16) == "1")
  }

  /// Rounding from Double to float16 at every midpoint of two neighbours
  /// (exact in Double): ties go to the even one, the doubles beside the
  /// midpoint to the nearer neighbour.
  @Test func float16RoundsDoublesOnceToNearestEven() {
    var failures: [String] = []
    for bits in UInt16(0)..<0x7BFF {
      let a = Double(Float16(bitPattern: bits))
      let b = Double(Float16(bitPattern: bits + 1))
      let mid = (a + b) / 2
      let even = bits % 2 == 0 ? Float(a) : Float(b)
      if HalfRounding.float16(mid) != even
        || HalfRounding.float16(mid.nextDown) != Float(a)
        || HalfRounding.float16(mid.nextUp) != Float(b)
        || HalfRounding.float16(-mid) != -even
      {
        failures.append("\(bits)")
      }
    }
    // Past the largest value: the midpoint with 2^16 goes up to infinity.
    #expect(HalfRounding.float16(65519.99) == 65504)
    #expect(HalfRounding.float16(65520.0) == .infinity)
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }

  /// The fast Float → float16 and → bfloat16 roundings against the
  /// conversions of Float16 and BFloat16: every float16 value, the midpoints of neighbours and the Floats
  /// either side of them, and a stride through all 2^32 Float patterns.
  @Test func fastRoundingsAgreeWithTheTypesConversions() {
    var xs: [Float] = []
    for bits in UInt16(0)...0x7C00 {
      let a = Float(Float16(bitPattern: bits))
      let b = Float(Float16(bitPattern: bits &+ 1))
      let mid = bits < 0x7BFF ? (a + b) / 2 : 65520
      xs += [a, mid, mid.nextUp, mid.nextDown]
    }
    var bits: UInt32 = 0
    while bits < UInt32.max - 4099 {
      xs.append(Float(bitPattern: bits))
      bits += 4099
    }
    var failures: [String] = []
    for x in xs + xs.map({ -$0 }) {
      let want = Float(Float16(x))
      let got = HalfRounding.float16(x)
      if got.bitPattern != want.bitPattern && !(got.isNaN && want.isNaN) {
        failures.append("\(x): \(got), Float16 gives \(want)")
      }
      // bfloat16 likewise against the BFloat16 type's conversion.
      let wantB = Float(BFloat16(x))
      let gotB = HalfRounding.bfloat16(x)
      if gotB.bitPattern != wantB.bitPattern && !(gotB.isNaN && wantB.isNaN) {
        failures.append("\(x): \(gotB), BFloat16 gives \(wantB)")
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5)) of \(failures.count)")
  }

  @Test func bfloat16RoundsDoublesOnceNotThroughFloat() {
    // 1 + 2^-8 + 2^-40: through Float it would be the tie 1 + 2^-8, which
    // goes to 1; directly it is above the tie, so 1 + 2^-7.
    let x = 1 + 0x1p-8 + 0x1p-40
    #expect(HalfRounding.bfloat16(x) == 1 + 0x1p-7)
    #expect(HalfRounding.bfloat16(Double(Float(x))) == 1)
  }

  @Test func halfTensorsDecodeRoundedAndRefuseOverflow() throws {
    let json = try JSONParser.parse(
      #"{"dtype":"float16","shape":[3],"data":[0.1,"inf",-6.55e+04]}"#)
    let t = try TensorJSON.decode(json, field: "inputs.input")
    #expect(t.dtype == .float16)
    #expect(t.doubles == [Double(Float16(0.1)), .infinity, -65504])
    let text = #"{"dtype":"float16","shape":[3],"data":[0.1,"inf",-6.55e+04]}"#
    #expect(JSONWriter.write(TensorJSON.encode(t)) == text)
    var written = ""
    TensorJSON.write(t, to: &written)
    #expect(written == text)

    let over = try JSONParser.parse(
      #"{"dtype":"float16","shape":[2],"data":[1,70000]}"#)
    #expect {
      try TensorJSON.decode(over, field: "inputs.input")
    } throws: { e in
      guard let e = e as? CaseError else { return false }
      return e.kind == .dtypeMismatch && e.field == "inputs.input.data[1]"
        && e.message.contains("float16")
    }
    let bigB = try JSONParser.parse(
      #"{"dtype":"bfloat16","shape":[1],"data":[3.4e38]}"#)
    #expect(throws: CaseError.self) {
      try TensorJSON.decode(bigB, field: "target")
    }
    let fine = try JSONParser.parse(
      #"{"dtype":"bfloat16","shape":[1],"data":[3.39e38]}"#)
    let b = try TensorJSON.decode(fine, field: "target")
    #expect(b.doubles == [Double(BFloat16.greatestFiniteMagnitude)])
  }
}
