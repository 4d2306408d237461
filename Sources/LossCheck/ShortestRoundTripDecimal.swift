import Foundation

/// The shortest decimal, written as C's `%.Ng` writes it ("0.1",
/// "6.55e+04"), that reads back as the value `x` stands for: `readsBack`
/// is given each candidate parsed to a `Double` and says whether it rounds
/// to that value (the rounding of a narrow format such as bfloat16 or
/// float16). Zeros are "0" and "-0"; `x` must otherwise be finite. When no
/// decimal of at most 9 digits reads back, the 9-digit one is returned.
///
/// Of the decimals of one length, the nearest to `x` is tried first, then
/// its neighbour on the other side of `x`: the decimals that read back
/// form an interval around `x`, so when neither is inside, no decimal of
/// that length is. At a power of two the interval is lopsided (bfloat16's
/// 2^64 is "1.85e+19", although the nearest 3-digit decimal, 1.84e+19,
/// reads back as the value below), which is why the nearest alone is not
/// enough.
package func shortestRoundTripDecimal(
  _ x: Double, readsBack: (Double) -> Bool
) -> String {
  if x == 0 { return x.sign == .minus ? "-0" : "0" }
  func accepted(_ text: String) -> Bool {
    guard let back = Double(text) else { return false }
    return readsBack(back)
  }
  for digits in 1...9 {
    let nearest = String(format: "%.\(digits)g", x)
    if accepted(nearest) { return nearest }
    // The nearest in scientific form: mantissa digits and exponent.
    let sci = String(format: "%.\(digits - 1)e", x)
    guard let e = sci.firstIndex(of: "e"),
      let exponent = Int(sci[sci.index(after: e)...]),
      let m = Int(sci[..<e].replacingOccurrences(of: ".", with: "")),
      let nearValue = Double(sci),
      let other = Double(
        "\(nearValue < x ? m + 1 : m - 1)e\(exponent - digits + 1)")
    else { continue }
    let candidate = String(format: "%.\(digits)g", other)
    if accepted(candidate) { return candidate }
  }
  return String(format: "%.9g", x)
}
