import LossCheck

/// SplitMix64: a small, seedable generator, so property tests reproduce.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Tensor
where Scalar: LossScalar, Scalar.RawSignificand: FixedWidthInteger {
  /// Uniform random elements in `range`.
  public static func random(
    _ shape: [Int], in range: ClosedRange<Scalar> = -2...2,
    using rng: inout SeededRandom
  ) -> Tensor {
    let n = shape.reduce(1, *)
    let values = (0..<n).map { _ in Scalar.random(in: range, using: &rng) }
    // The shape and count agree by construction.
    return (try? Tensor(shape: shape, scalars: values)) ?? Tensor(0)
  }
}

extension Tensor where Scalar == Int64 {
  /// Uniform random integers in `range`.
  public static func randomIndices(
    _ shape: [Int], in range: Range<Int64>, using rng: inout SeededRandom
  ) -> Tensor {
    let n = shape.reduce(1, *)
    let values = (0..<n).map { _ in Int64.random(in: range, using: &rng) }
    return (try? Tensor(shape: shape, scalars: values)) ?? Tensor(0)
  }
}
