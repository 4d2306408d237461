/// A JSON array of numbers (and the strings "nan", "inf", "-inf" that the
/// case schema writes for non-finite values) held as doubles: 8 bytes an
/// element instead of a ``JSONValue`` with a `String` each.
///
/// The parser reads tensor `data` arrays this way (see
/// ``JSONParser/parse(_:maxDepth:numberArrayKeys:)``). A double carries
/// most elements exactly; the few it cannot — a string, a number whose
/// double is not finite (`1e999`), an integer beyond 2^53 — keep their
/// JSON value in ``exceptions``, so that each dtype still reads exactly
/// what was written.
public struct JSONNumbers: Sendable, Equatable {
  /// The elements: the nearest double of each number, NaN or ±infinity
  /// for the strings.
  public internal(set) var values: [Double]
  /// The elements a double does not stand for exactly, by index.
  public internal(set) var exceptions: [Int: JSONValue]

  /// Numbers given as doubles (all finite values are exact).
  public init(_ values: [Double]) {
    self.values = values
    self.exceptions = [:]
    for (k, v) in values.enumerated() where !v.isFinite {
      exceptions[k] = TensorJSON.number(v)
    }
  }

  init(values: [Double], exceptions: [Int: JSONValue]) {
    self.values = values
    self.exceptions = exceptions
  }

  /// The number of elements.
  public var count: Int { values.count }

  /// Element `k` as a JSON value: its exception, or the shortest decimal
  /// of its double (an integer without a fraction below 2^53).
  public subscript(k: Int) -> JSONValue {
    if let e = exceptions[k] { return e }
    return .number(JSONNumbers.text(values[k]))
  }

  /// The elements as JSON values.
  public var elements: [JSONValue] { (0..<count).map { self[$0] } }

  /// The shortest decimal of a finite double, as an integer when it is one
  /// of magnitude below 2^53 (so `[1,2]` is written back as `[1,2]`).
  static func text(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 9_007_199_254_740_992,
      !(d == 0 && d.sign == .minus)
    {
      return String(Int64(d))
    }
    return d.description
  }
}
