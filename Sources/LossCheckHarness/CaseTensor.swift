import LossCheck

/// The dtypes of the case schema.
public enum DType: String, Sendable, CaseIterable {
  case float32, float64, int64, float16, bfloat16

  /// Whether the dtype holds floating-point values (all but int64).
  public var isFloating: Bool { self != .int64 }

  /// Whether the dtype is one of the 16-bit floating dtypes, whose cases
  /// the reference computes in Float and rounds once to the dtype.
  public var isHalf: Bool { self == .float16 || self == .bfloat16 }
}

/// A tensor of any case dtype.
///
/// A float16 or bfloat16 tensor holds its values in a `Tensor<Float>`:
/// every value of both dtypes is a Float exactly, and the reference widens
/// half inputs to Float anyway. Its elements are always values of the
/// dtype (``AnyTensor/half(_:_:)`` rounds them there).
public enum AnyTensor: Sendable, Equatable {
  case float32(Tensor<Float>)
  case float64(Tensor<Double>)
  case int64(Tensor<Int64>)
  /// float16 values, held exactly as Float.
  case float16(Tensor<Float>)
  /// bfloat16 values, held exactly as Float.
  case bfloat16(Tensor<Float>)

  /// The tensor's dtype.
  public var dtype: DType {
    switch self {
    case .float32: .float32
    case .float64: .float64
    case .int64: .int64
    case .float16: .float16
    case .bfloat16: .bfloat16
    }
  }

  /// The tensor's shape (`[]` for a 0-d tensor).
  public var shape: [Int] {
    switch self {
    case .float32(let t), .float16(let t), .bfloat16(let t): t.shape
    case .float64(let t): t.shape
    case .int64(let t): t.shape
    }
  }

  /// The number of elements.
  public var count: Int {
    switch self {
    case .float32(let t), .float16(let t), .bfloat16(let t): t.count
    case .float64(let t): t.count
    case .int64(let t): t.count
    }
  }

  /// The elements as doubles (exact for every value of the floating
  /// dtypes).
  public var doubles: [Double] {
    switch self {
    case .float32(let t), .float16(let t), .bfloat16(let t):
      t.scalars.map(Double.init)
    case .float64(let t): t.scalars
    case .int64(let t): t.scalars.map(Double.init)
    }
  }

  /// A half tensor of `dtype` (float16 or bfloat16) from Float values,
  /// each rounded once to the dtype, to nearest with ties to even (NaN
  /// stays NaN, a value past the range becomes an infinity). Any other
  /// `dtype` keeps the values as float32.
  public static func half(_ dtype: DType, _ t: Tensor<Float>) -> AnyTensor {
    switch dtype {
    case .float16: .float16(HalfRounding.rounded(t, HalfRounding.float16))
    case .bfloat16: .bfloat16(HalfRounding.rounded(t, HalfRounding.bfloat16))
    default: .float32(t)
    }
  }

  /// Wraps a tensor of a loss scalar type.
  public init<T: LossScalar>(_ t: Tensor<T>) {
    if let f = t as? Tensor<Float> {
      self = .float32(f)
    } else if let d = t as? Tensor<Double> {
      self = .float64(d)
    } else {
      // LossScalar has exactly the two conformances above.
      self = .float64(
        (try? Tensor(shape: t.shape, scalars: t.scalars.map { Double($0) }))
          ?? Tensor(.nan))
    }
  }
}

/// Why part of a case could not be read: the field, what is wrong, and the
/// error kind a result reports for it.
public struct CaseError: Error, Sendable, CustomStringConvertible {
  public var kind: LossError.Kind
  public var field: String
  public var message: String

  public init(_ kind: LossError.Kind, field: String, _ message: String) {
    self.kind = kind
    self.field = field
    self.message = message
  }

  public var description: String { "\(field): \(message)" }
}

/// Reading and writing the tensor JSON of CASE_SCHEMA.md.
public enum TensorJSON {
  /// The largest element count a tensor may claim (2^31); larger claims
  /// are refused before anything is allocated.
  public static let maxElements = 1 << 31

  public static func decode(_ json: JSONValue, field: String)
    throws(CaseError) -> AnyTensor
  {
    guard case .object(let o) = json else {
      throw CaseError(
        .dtypeMismatch, field: field,
        "expected a tensor object, got \(json.typeName)")
    }
    guard case .string(let dtypeName)? = o["dtype"] else {
      throw CaseError(.dtypeMismatch, field: "\(field).dtype", "missing dtype")
    }
    guard let dtype = DType(rawValue: dtypeName) else {
      throw CaseError(
        .dtypeMismatch, field: "\(field).dtype",
        "unknown dtype \"\(dtypeName)\" (expected float64, float32, float16,"
          + " bfloat16 or int64)")
    }
    guard case .array(let dims)? = o["shape"] else {
      throw CaseError(.shapeMismatch, field: "\(field).shape", "missing shape")
    }
    var shape: [Int] = []
    var count = 1
    for d in dims {
      guard case .number(let text) = d, let n = Int(text), n >= 0 else {
        throw CaseError(
          .shapeMismatch, field: "\(field).shape",
          "sizes must be non-negative integers, got \(JSONWriter.write(d))")
      }
      shape.append(n)
      let (p, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow, p <= maxElements else {
        throw CaseError(
          .shapeMismatch, field: "\(field).shape",
          "shape \(JSONWriter.write(.array(dims))) claims more than \(maxElements) elements"
        )
      }
      count = p
    }
    let data: JSONNumbers
    switch o["data"] {
    case .numbers(let n)?: data = n
    case .array(let items)?:
      // Parsed without the number fast path, or holding something that
      // is not a number: checked element by element below.
      data = try numbers(items, field: field)
    default:
      throw CaseError(.shapeMismatch, field: "\(field).data", "missing data")
    }
    guard data.count == count else {
      throw CaseError(
        .shapeMismatch, field: "\(field).data",
        "shape \(shape) needs \(count) elements, data has \(data.count)")
    }
    switch dtype {
    case .float64:
      try checkFloats(data, field: field)
      return .float64(try make(shape, data.values, field))
    case .float32:
      // Through Double, as the generator checks its float32 decimals.
      try checkFloats(data, field: field)
      let d = data.values
      if let k = d.firstIndex(where: { $0.isFinite && Float($0).isInfinite }) {
        throw CaseError(
          .dtypeMismatch, field: "\(field).data[\(k)]",
          "\(d[k]) overflows float32 (write \"inf\" for an infinity)")
      }
      return .float32(try make(shape, d.map { Float($0) }, field))
    case .float16, .bfloat16:
      try checkFloats(data, field: field)
      let d = data.values
      var out: [Float] = []
      out.reserveCapacity(d.count)
      for (k, x) in d.enumerated() {
        // One rounding from the decimal's double to the dtype, as the
        // writer's shortest decimal is read back.
        let h = HalfRounding.round(x, to: dtype)
        if x.isFinite && h.isInfinite {
          throw CaseError(
            .dtypeMismatch, field: "\(field).data[\(k)]",
            "\(JSONNumbers.text(x)) overflows \(dtype.rawValue)"
              + " (write \"inf\" for an infinity)")
        }
        out.append(h)
      }
      let t = try make(shape, out, field)
      return dtype == .float16 ? .float16(t) : .bfloat16(t)
    case .int64:
      return .int64(try make(shape, try integers(data, field: field), field))
    }
  }

  /// Elements of a plain array as ``JSONNumbers``; the first that is not a
  /// number or "nan", "inf", "-inf" is refused.
  static func numbers(_ items: [JSONValue], field: String)
    throws(CaseError) -> JSONNumbers
  {
    var values: [Double] = []
    values.reserveCapacity(items.count)
    var exceptions: [Int: JSONValue] = [:]
    for (k, v) in items.enumerated() {
      switch v {
      case .number(let text):
        let d = Double(text) ?? .nan
        let integral = !text.contains(where: { ".eE".contains($0) })
        if !d.isFinite || (integral && abs(d) >= 9_007_199_254_740_992) {
          exceptions[k] = v
        }
        values.append(d)
      case .string("nan"), .string("inf"), .string("-inf"):
        exceptions[k] = v
        values.append(
          v == .string("nan")
            ? .nan : v == .string("inf") ? .infinity : -.infinity)
      default:
        throw CaseError(
          .dtypeMismatch, field: "\(field).data[\(k)]",
          "expected a number or \"nan\", \"inf\", \"-inf\"; got \(JSONWriter.write(v))"
        )
      }
    }
    return JSONNumbers(values: values, exceptions: exceptions)
  }

  /// Refuses a number whose double is not finite (infinities are written
  /// as strings).
  static func checkFloats(_ data: JSONNumbers, field: String) throws(CaseError)
  {
    for k in data.exceptions.keys.sorted() {
      guard case .number(let text)? = data.exceptions[k] else { continue }
      if !data.values[k].isFinite {
        throw CaseError(
          .dtypeMismatch, field: "\(field).data[\(k)]",
          "\(text) is not a finite number (write \"inf\" for an infinity)")
      }
    }
  }

  /// The elements as int64: integers, exactly (an integral decimal such as
  /// `2.0` or `1e3` too); no strings.
  static func integers(_ data: JSONNumbers, field: String)
    throws(CaseError) -> [Int64]
  {
    var out: [Int64] = []
    out.reserveCapacity(data.count)
    for k in 0..<data.count {
      let text: String
      switch data.exceptions[k] {
      case .number(let t)?: text = t
      case let v?:
        throw CaseError(
          .dtypeMismatch, field: "\(field).data[\(k)]",
          "expected an integer, got \(JSONWriter.write(v))")
      case nil:
        let d = data.values[k]
        if d.rounded() == d, abs(d) < 9.2e18 {
          out.append(Int64(d))
          continue
        }
        text = JSONNumbers.text(d)
      }
      if let n = Int64(text) {
        out.append(n)
      } else if let d = Double(text), d.rounded() == d, abs(d) < 9.2e18 {
        out.append(Int64(d))
      } else {
        throw CaseError(
          .dtypeMismatch, field: "\(field).data[\(k)]",
          "\(text) is not an integral int64 value")
      }
    }
    return out
  }

  /// The shape a tensor JSON object declares, without reading its data;
  /// nil when it has no list of non-negative integer sizes.
  public static func declaredShape(_ json: JSONValue) -> [Int]? {
    guard case .array(let dims)? = json["shape"] else { return nil }
    var shape: [Int] = []
    for d in dims {
      guard case .number(let text) = d, let n = Int(text), n >= 0 else {
        return nil
      }
      shape.append(n)
    }
    return shape
  }

  static func make<S>(_ shape: [Int], _ scalars: [S], _ field: String)
    throws(CaseError) -> Tensor<S>
  {
    do {
      return try Tensor(shape: shape, scalars: scalars)
    } catch {
      throw CaseError(error.kind, field: field, error.message)
    }
  }

  public static func encode(_ t: AnyTensor) -> JSONValue {
    let data: [JSONValue]
    switch t {
    case .float32(let x): data = x.scalars.map(number)
    case .float64(let x): data = x.scalars.map(number)
    case .int64(let x): data = x.scalars.map { .number(String($0)) }
    case .float16(let x): data = x.scalars.map { halfNumber($0, .float16) }
    case .bfloat16(let x): data = x.scalars.map { halfNumber($0, .bfloat16) }
    }
    return .object(
      JSONObject([
        ("dtype", .string(t.dtype.rawValue)),
        ("shape", .array(t.shape.map { .number(String($0)) })),
        ("data", .array(data)),
      ]))
  }

  /// Writes the tensor JSON of `t` to `out`: the text of
  /// `JSONWriter.write(encode(t))`, without building the tree.
  public static func write(_ t: AnyTensor, to out: inout some TextOutputStream)
  {
    out.write("{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[")
    for (k, d) in t.shape.enumerated() {
      if k > 0 { out.write(",") }
      out.write(String(d))
    }
    out.write("],\"data\":[")
    switch t {
    case .float32(let x): writeFloats(x.scalars, to: &out)
    case .float64(let x): writeFloats(x.scalars, to: &out)
    case .int64(let x):
      for (k, v) in x.scalars.enumerated() {
        if k > 0 { out.write(",") }
        out.write(String(v))
      }
    case .float16(let x), .bfloat16(let x):
      for (k, v) in x.scalars.enumerated() {
        if k > 0 { out.write(",") }
        out.write(JSONWriter.write(halfNumber(v, t.dtype)))
      }
    }
    out.write("]}")
  }

  static func writeFloats<T: BinaryFloatingPoint & LosslessStringConvertible>(
    _ xs: [T], to out: inout some TextOutputStream
  ) {
    for (k, x) in xs.enumerated() {
      if k > 0 { out.write(",") }
      if x.isNaN {
        out.write("\"nan\"")
      } else if x.isInfinite {
        out.write(x > 0 ? "\"inf\"" : "\"-inf\"")
      } else {
        out.write(x.description)
      }
    }
  }

  /// A half value of `dtype` as its shortest decimal
  /// (``HalfRounding/shortestDecimal(_:_:)``), or "nan", "inf", "-inf".
  public static func halfNumber(_ x: Float, _ dtype: DType) -> JSONValue {
    if x.isNaN { return .string("nan") }
    if x.isInfinite { return .string(x > 0 ? "inf" : "-inf") }
    return .number(HalfRounding.shortestDecimal(x, dtype))
  }

  /// The shortest round-trip decimal, or "nan", "inf", "-inf".
  public static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(
    _ x: T
  ) -> JSONValue {
    if x.isNaN { return .string("nan") }
    if x.isInfinite { return .string(x > 0 ? "inf" : "-inf") }
    return .number(x.description)
  }
}
