/// A floating-point type with the `VectorMath` kernels, for generic code:
/// `T.vexp(v)` on a `T.VMVector`, or `T.vexp(buffer, into: out)` in bulk.
/// `Float` and `Double` conform (and `LossScalar` refines this protocol), so
/// in a specialised `T: LossScalar` body every call is a direct, inlined
/// call of the SIMD kernel.
///
/// A vector loop in loss code, with the padded tail:
///
/// ```swift
/// let w = T.VMVector.scalarCount
/// var i = 0
/// while i + w <= n {
///   let v = T.vload(x + i)
///   T.vstore(T.vlog1p(T.vexp(-v)), to: y + i)
///   i += w
/// }
/// if i < n {
///   let v = T.vload(x + i, count: n - i)
///   T.vstore(T.vlog1p(T.vexp(-v)), to: y + i, count: n - i)
/// }
/// ```
///
/// The bulk entry points do exactly that, for one function; every element
/// (tail included) goes through the vector kernel, so the result does not
/// depend on where an element sits in the buffer.
///
/// Public only because the public ``LossScalar`` refines it (Swift requires
/// a public protocol's parents to be public); the kernels themselves, the
/// loads, stores and bulk entry points are `package` declarations, not part
/// of the library's API.
public protocol VectorMathScalar:
  BinaryFloatingPoint, SIMDScalar, Decodable, Encodable
{
  /// The vector the kernels work on: `SIMD8<Float>`, `SIMD4<Double>`
  /// (256 bits, one AVX register).
  associatedtype VMVector: SIMD where VMVector.Scalar == Self

  /// e^x in each lane (see `VectorMath.exp`).
  static func vexp(_ x: VMVector) -> VMVector
  /// e^x − 1 in each lane (see `VectorMath.expm1`).
  static func vexpm1(_ x: VMVector) -> VMVector
  /// log(x) in each lane (see `VectorMath.log`).
  static func vlog(_ x: VMVector) -> VMVector
  /// log(1 + x) in each lane (see `VectorMath.log1p`).
  static func vlog1p(_ x: VMVector) -> VMVector
}

extension Float: VectorMathScalar {
  /// One AVX register of `Float`.
  public typealias VMVector = SIMD8<Float>
  @inlinable @inline(__always)
  /// e^x in each lane.
  public static func vexp(_ x: VMVector) -> VMVector { VectorMath._expF8(x) }
  @inlinable @inline(__always)
  /// e^x − 1 in each lane.
  public static func vexpm1(_ x: VMVector) -> VMVector {
    VectorMath._expm1F8(x)
  }
  @inlinable @inline(__always)
  /// log(x) in each lane.
  public static func vlog(_ x: VMVector) -> VMVector { VectorMath._logF8(x) }
  @inlinable @inline(__always)
  /// log(1 + x) in each lane.
  public static func vlog1p(_ x: VMVector) -> VMVector {
    VectorMath._log1pF8(x)
  }
}

extension Double: VectorMathScalar {
  /// One AVX register of `Double`.
  public typealias VMVector = SIMD4<Double>
  @inlinable @inline(__always)
  /// e^x in each lane.
  public static func vexp(_ x: VMVector) -> VMVector { VectorMath._expD4(x) }
  @inlinable @inline(__always)
  /// e^x − 1 in each lane.
  public static func vexpm1(_ x: VMVector) -> VMVector {
    VectorMath._expm1D4(x)
  }
  @inlinable @inline(__always)
  /// log(x) in each lane.
  public static func vlog(_ x: VMVector) -> VMVector { VectorMath._logD4(x) }
  @inlinable @inline(__always)
  /// log(1 + x) in each lane.
  public static func vlog1p(_ x: VMVector) -> VMVector {
    VectorMath._log1pD4(x)
  }
}

// MARK: Loads and stores

extension VectorMathScalar {
  /// The vector at `p` (no alignment needed).
  @inlinable @inline(__always)
  package static func vload(_ p: UnsafePointer<Self>) -> VMVector {
    UnsafeRawPointer(p).loadUnaligned(as: VMVector.self)
  }

  /// The first `count` lanes from `p`, the rest `fill` (a tail); `count` is
  /// clamped to 0...VMVector.scalarCount.
  @inlinable @inline(__always)
  package static func vload(
    _ p: UnsafePointer<Self>, count: Int, fill: Self = 0
  ) -> VMVector {
    var v = VMVector(repeating: fill)
    for j in 0..<Swift.max(0, Swift.min(count, VMVector.scalarCount)) {
      v[j] = p[j]
    }
    return v
  }

  /// Stores `v` at `p` (no alignment needed).
  @inlinable @inline(__always)
  package static func vstore(_ v: VMVector, to p: UnsafeMutablePointer<Self>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: VMVector.self)
  }

  /// Stores the first `count` lanes of `v` at `p` (a tail); `count` is
  /// clamped to 0...VMVector.scalarCount.
  @inlinable @inline(__always)
  package static func vstore(
    _ v: VMVector, to p: UnsafeMutablePointer<Self>, count: Int
  ) {
    for j in 0..<Swift.max(0, Swift.min(count, VMVector.scalarCount)) {
      p[j] = v[j]
    }
  }
}

// MARK: Bulk

/// One of the kernels, as a type, so that the bulk driver is specialised
/// per function (no closure or existential in the loop).
@usableFromInline package protocol VectorMathFunction {
  static func apply<T: VectorMathScalar>(_ x: T.VMVector, _: T.Type)
    -> T.VMVector
}

extension VectorMath {
  /// `exp` as a `VectorMathFunction`.
  @usableFromInline package enum Exp: VectorMathFunction {
    @inlinable @inline(__always)
    package static func apply<T: VectorMathScalar>(_ x: T.VMVector, _: T.Type)
      -> T.VMVector
    {
      T.vexp(x)
    }
  }
  /// `expm1` as a `VectorMathFunction`.
  @usableFromInline package enum Expm1: VectorMathFunction {
    @inlinable @inline(__always)
    package static func apply<T: VectorMathScalar>(_ x: T.VMVector, _: T.Type)
      -> T.VMVector
    {
      T.vexpm1(x)
    }
  }
  /// `log` as a `VectorMathFunction`.
  @usableFromInline package enum Log: VectorMathFunction {
    @inlinable @inline(__always)
    package static func apply<T: VectorMathScalar>(_ x: T.VMVector, _: T.Type)
      -> T.VMVector
    {
      T.vlog(x)
    }
  }
  /// `log1p` as a `VectorMathFunction`.
  @usableFromInline package enum Log1p: VectorMathFunction {
    @inlinable @inline(__always)
    package static func apply<T: VectorMathScalar>(_ x: T.VMVector, _: T.Type)
      -> T.VMVector
    {
      T.vlog1p(x)
    }
  }

  /// y[i] = F(x[i]) for i < min(x.count, y.count); x and y may be the same
  /// memory (in place) but must not otherwise overlap. The tail shorter
  /// than a vector is computed as a zero-padded vector.
  @inlinable
  package static func map<F: VectorMathFunction, T: VectorMathScalar>(
    _: F.Type, _ x: UnsafeBufferPointer<T>,
    into y: UnsafeMutableBufferPointer<T>
  ) {
    guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
    let n = Swift.min(x.count, y.count)
    let w = T.VMVector.scalarCount
    var i = 0
    while i + 2 * w <= n {
      let a = F.apply(T.vload(xp + i), T.self)
      let b = F.apply(T.vload(xp + i + w), T.self)
      T.vstore(a, to: yp + i)
      T.vstore(b, to: yp + i + w)
      i += 2 * w
    }
    while i < n {
      let m = Swift.min(w, n - i)
      if m == w {
        T.vstore(F.apply(T.vload(xp + i), T.self), to: yp + i)
      } else {
        let v = F.apply(T.vload(xp + i, count: m), T.self)
        T.vstore(v, to: yp + i, count: m)
      }
      i += m
    }
  }

  /// x[i] = F(x[i]) in place.
  @inlinable
  package static func map<F: VectorMathFunction, T: VectorMathScalar>(
    _ f: F.Type, inPlace x: UnsafeMutableBufferPointer<T>
  ) {
    map(f, UnsafeBufferPointer(x), into: x)
  }

  /// [F(x[0]), F(x[1]), …] as a new array.
  @inlinable
  package static func map<F: VectorMathFunction, T: VectorMathScalar>(
    _ f: F.Type, _ x: [T]
  ) -> [T] {
    [T](unsafeUninitializedCapacity: x.count) { out, count in
      x.withUnsafeBufferPointer { map(f, $0, into: out) }
      count = x.count
    }
  }
}

extension VectorMathScalar {
  /// y[i] = e^x[i] for i < min(x.count, y.count) (y may be x itself).
  @inlinable
  package static func vexp(
    _ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>
  ) { VectorMath.map(VectorMath.Exp.self, x, into: y) }
  /// y[i] = e^x[i] − 1 for i < min(x.count, y.count) (y may be x itself).
  @inlinable
  package static func vexpm1(
    _ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>
  ) { VectorMath.map(VectorMath.Expm1.self, x, into: y) }
  /// y[i] = log(x[i]) for i < min(x.count, y.count) (y may be x itself).
  @inlinable
  package static func vlog(
    _ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>
  ) { VectorMath.map(VectorMath.Log.self, x, into: y) }
  /// y[i] = log(1 + x[i]) for i < min(x.count, y.count) (y may be x).
  @inlinable
  package static func vlog1p(
    _ x: UnsafeBufferPointer<Self>, into y: UnsafeMutableBufferPointer<Self>
  ) { VectorMath.map(VectorMath.Log1p.self, x, into: y) }

  /// x[i] = e^x[i] in place.
  @inlinable
  package static func vexp(inPlace x: UnsafeMutableBufferPointer<Self>) {
    VectorMath.map(VectorMath.Exp.self, inPlace: x)
  }
  /// x[i] = e^x[i] − 1 in place.
  @inlinable
  package static func vexpm1(inPlace x: UnsafeMutableBufferPointer<Self>) {
    VectorMath.map(VectorMath.Expm1.self, inPlace: x)
  }
  /// x[i] = log(x[i]) in place.
  @inlinable
  package static func vlog(inPlace x: UnsafeMutableBufferPointer<Self>) {
    VectorMath.map(VectorMath.Log.self, inPlace: x)
  }
  /// x[i] = log(1 + x[i]) in place.
  @inlinable
  package static func vlog1p(inPlace x: UnsafeMutableBufferPointer<Self>) {
    VectorMath.map(VectorMath.Log1p.self, inPlace: x)
  }
}

extension VectorMath {
  /// e^x elementwise.
  @inlinable
  package static func exp<T: VectorMathScalar>(_ x: [T]) -> [T] {
    map(Exp.self, x)
  }
  /// e^x − 1 elementwise.
  @inlinable
  package static func expm1<T: VectorMathScalar>(_ x: [T]) -> [T] {
    map(Expm1.self, x)
  }
  /// log(x) elementwise.
  @inlinable
  package static func log<T: VectorMathScalar>(_ x: [T]) -> [T] {
    map(Log.self, x)
  }
  /// log(1 + x) elementwise.
  @inlinable
  package static func log1p<T: VectorMathScalar>(_ x: [T]) -> [T] {
    map(Log1p.self, x)
  }
}
