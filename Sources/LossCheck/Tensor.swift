/// A dense, row-major tensor: a shape and its elements.
///
/// A 0-d tensor (`shape == []`) holds one element. `Scalar` is `Float` or
/// `Double` for values and `Int64` for class indices and lengths.
///
/// The element count always equals the product of `shape`: `shape` and
/// `scalars` are read-only, and elements change only through
/// ``subscript(flat:)`` and ``withUnsafeMutableScalars(_:)``, which cannot
/// add or remove any.
public struct Tensor<Scalar>: Sendable where Scalar: Sendable {
  // Stored apart from the public read-only views, so that not even a key
  // path can write them (a `private(set)` stored property still yields a
  // writable key path at run time).
  @usableFromInline var shapeStorage: [Int]
  @usableFromInline var scalarStorage: [Scalar]

  /// The size of each dimension, outermost first.
  @inlinable public var shape: [Int] { shapeStorage }
  /// The elements in row-major order (`count` is the product of `shape`).
  @inlinable public var scalars: [Scalar] { scalarStorage }

  /// Creates a tensor, checking that `scalars` fills `shape` exactly.
  public init(shape: [Int], scalars: [Scalar]) throws(LossError) {
    guard let count = Tensor.elementCount(shape) else {
      throw .shape("shape \(shape) is not a list of non-negative sizes")
    }
    guard count == scalars.count else {
      throw .shape(
        "shape \(shape) needs \(count) elements, got \(scalars.count)")
    }
    self.shapeStorage = shape
    self.scalarStorage = scalars
  }

  /// Internal initializer for shapes already known to be consistent.
  @usableFromInline
  init(unchecked shape: [Int], _ scalars: [Scalar]) {
    self.shapeStorage = shape
    self.scalarStorage = scalars
  }

  /// A 0-d tensor.
  public init(_ scalar: Scalar) {
    self.shapeStorage = []
    self.scalarStorage = [scalar]
  }

  /// A tensor of `shape` filled with `value`.
  public init(repeating value: Scalar, shape: [Int]) throws(LossError) {
    guard let count = Tensor.elementCount(shape) else {
      throw .shape("shape \(shape) is not a list of non-negative sizes")
    }
    self.shapeStorage = shape
    self.scalarStorage = Array(repeating: value, count: count)
  }

  /// The number of dimensions (0 for a scalar tensor).
  public var rank: Int { shape.count }
  /// The number of elements, the product of `shape`.
  public var count: Int { scalars.count }

  /// The element at row-major position `i`; setting it keeps the count.
  ///
  /// `i` must be in `0..<count` (an index outside traps, as an array's).
  public subscript(flat i: Int) -> Scalar {
    get { scalarStorage[i] }
    set { scalarStorage[i] = newValue }
  }

  /// Calls `body` with the elements as a mutable buffer of fixed size, so
  /// that they can be changed in place but never added or removed.
  ///
  /// The buffer is valid only during `body`.
  public mutating func withUnsafeMutableScalars<R>(
    _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
  ) rethrows -> R {
    try scalarStorage.withUnsafeMutableBufferPointer { buffer in
      try body(buffer)
    }
  }

  /// The product of `shape`, or nil for a negative size or an overflow.
  public static func elementCount(_ shape: [Int]) -> Int? {
    var n = 1
    for d in shape {
      guard d >= 0 else { return nil }
      let (p, o) = n.multipliedReportingOverflow(by: d)
      if o { return nil }
      n = p
    }
    return n
  }

  /// The same elements under another shape of equal element count.
  public func reshaped(_ newShape: [Int]) throws(LossError) -> Tensor {
    try Tensor(shape: newShape, scalars: scalars)
  }
}

extension Tensor: Equatable where Scalar: Equatable {}

extension Tensor: CustomStringConvertible {
  public var description: String {
    "Tensor(shape: \(shape), \(scalars.prefix(8))\(count > 8 ? "…" : ""))"
  }
}
