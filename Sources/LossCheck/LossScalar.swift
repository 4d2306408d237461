import RealModule

/// The floating-point types a loss is computed in: `Float` for float32
/// cases and `Double` for float64 cases, as PyTorch does. Refines
/// `VectorMathScalar`, so loss code can call `T.vexp(_:)`, `T.vlog(_:)`, ….
public protocol LossScalar:
  BinaryFloatingPoint, Real, Sendable, LosslessStringConvertible,
  VectorMathScalar
where Self.RawSignificand: FixedWidthInteger {
  /// The dtype name of the case schema: `"float32"` or `"float64"`.
  static var dtypeName: String { get }
}

extension Float: LossScalar {
  /// `float32`.
  public static var dtypeName: String { "float32" }
}

extension Double: LossScalar {
  /// `float64`.
  public static var dtypeName: String { "float64" }
}

extension LossScalar {
  /// PyTorch's literal `1e-12`, a float32 constant even in float64
  /// computations: `Float(1e-12)` = 9.999999960041972e-13.
  @inlinable
  public static var pytorchEpsilon1e12: Self { Self(Float(1e-12)) }
}
