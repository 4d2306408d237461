/// The losses that are an elementwise function of d = input − target, with
/// input and target broadcast both ways: L1, MSE, Huber and SmoothL1.
@usableFromInline
protocol DifferenceKernel: Sendable {
  /// The loss of one difference.
  func value<T: LossScalar>(_ d: T) -> T
  /// Its derivative in d (the input's gradient; the target's is minus it).
  func derivative<T: LossScalar>(_ d: T) -> T
}

@inlinable
func differenceLoss<T: LossScalar, K: DifferenceKernel>(
  _ kernel: K, input: Tensor<T>, target: Tensor<T>, reduction: Reduction,
  gradOutput: Tensor<T>?, wrt: GradientRequest
) throws(LossError) -> LossValue<T> {
  let shape = try Broadcast.shape(
    [input.shape, target.shape], names: ["input", "target"])
  let x = Broadcast.expand(input, to: shape)
  let t = Broadcast.expand(target, to: shape)
  let n = x.count
  var values = [T](repeating: 0, count: n)
  for i in 0..<n { values[i] = kernel.value(x[i] - t[i]) }
  let output = reduction.apply(values, shape: shape)
  var result = LossValue(value: output)
  guard wrt.contains("input") || wrt.contains("target") else { return result }
  try checkGradOutput(gradOutput, outputShape: output.shape)
  let g = ElementCotangent(gradOutput, reduction: reduction, count: n)
  var dx = [T](repeating: 0, count: n)
  for i in 0..<n { dx[i] = g[i] * kernel.derivative(x[i] - t[i]) }
  if wrt.contains("input") {
    result.gradients["input"] = Broadcast.sum(dx, from: shape, to: input.shape)
  }
  if wrt.contains("target") {
    result.gradients["target"] = Broadcast.sum(
      dx.map { -$0 }, from: shape, to: target.shape)
  }
  return result
}
