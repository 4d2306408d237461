extension Tensor where Scalar == Double {
  /// The tensor rounded to `T` (round to nearest), as a weight option is
  /// before a loss reads it: PyTorch holds weights in the input's dtype.
  @inlinable
  func converted<T: LossScalar>(to _: T.Type) -> Tensor<T> {
    if let same = self as? Tensor<T> { return same }
    return Tensor<T>(unchecked: shape, scalars.map { T($0) })
  }
}
