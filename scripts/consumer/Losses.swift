import LossCheck

/// Two reference losses as an application would call them: a value and
/// the gradient in the input, read by its typed name (`LossInput`).
public enum ConsumerLosses {
  /// The mean squared error of `x` against `t` and its gradient in `x`.
  public static func mse(_ x: [Float], _ t: [Float]) throws
    -> (value: Float, dInput: [Float])
  {
    let input = try Tensor<Float>(shape: [x.count], scalars: x)
    let target = try Tensor<Float>(shape: [t.count], scalars: t)
    let v = try MSELoss().valueWithGradient(input, target, wrt: [.input])
    guard let dx = v.gradients[.input] else { throw Missing.gradient(.input) }
    return (v.value.scalars[0], dx.scalars)
  }

  /// The mean cross entropy of `logits` (rows of `classes`) against class
  /// indices, and its gradient in the logits.
  public static func crossEntropy(
    _ logits: [Double], classes: Int, labels: [Int64]
  ) throws -> (value: Double, dInput: [Double]) {
    let input = try Tensor<Double>(
      shape: [labels.count, classes], scalars: logits)
    let target = try Tensor<Int64>(shape: [labels.count], scalars: labels)
    let v = try CrossEntropyLoss().valueWithGradient(
      input, .indices(target), wrt: [.input])
    guard let dx = v.gradients[.input] else { throw Missing.gradient(.input) }
    return (v.value.scalars[0], dx.scalars)
  }

  /// A gradient that was asked for and not returned.
  public enum Missing: Error { case gradient(LossInput) }
}
