/// The losses that are an elementwise function of d = input − target, with
/// input and target broadcast both ways: L1, MSE, Huber and SmoothL1.
///
/// A kernel gives the loss of one difference and its derivative; both are
/// written without branches on data where possible (selects), so the fused
/// loop below vectorizes.
@usableFromInline
protocol DifferenceKernel<Scalar>: Sendable {
  associatedtype Scalar: LossScalar
  /// The loss of one difference.
  func value(_ d: Scalar) -> Scalar
  /// Its derivative in d (the input's gradient; the target's is minus it).
  func derivative(_ d: Scalar) -> Scalar
}

/// One fused pass (``Elementwise``): per element d = x − t, its loss into
/// the reduction and, when asked, ∂x = g·k′(d) and ∂t = −∂x, with g the
/// element's cotangent. Broadcast inputs are expanded first and their
/// gradients summed back; equal shapes are read in place.
@inlinable
func differenceLoss<T: LossScalar, K: DifferenceKernel<T>>(
  _ kernel: K, input: Tensor<T>, target: Tensor<T>, reduction: Reduction,
  gradOutput: Tensor<T>?, wrt: GradientRequest
) throws(LossError) -> LossValue<T> {
  let shape = try Broadcast.shape(
    [input.shape, target.shape], names: ["input", "target"])
  let wantX = wrt.contains(.input)
  let wantT = wrt.contains(.target)
  if wantX || wantT {
    try checkGradOutput(gradOutput, outputShape: reduction.outputShape(shape))
  }
  let x = Broadcast.expand(input, to: shape)
  let t = Broadcast.expand(target, to: shape)
  let (output, (dx, dt, _)) = Elementwise.evaluate(
    x, t, wanted: (wantX, wantT, false), shape: shape, reduction: reduction,
    gradOutput: gradOutput
  ) { block in
    let (x, t, v, g) = (block.a, block.b, block.values, block.cotangents)
    switch (block.da, block.db) {
    case (nil, nil):
      for k in 0..<block.count { v[k] = kernel.value(x[k] - t[k]) }
    case (let dx?, nil):
      for k in 0..<block.count {
        let d = x[k] - t[k]
        v[k] = kernel.value(d)
        dx[k] = g[k] * kernel.derivative(d)
      }
    case (nil, let dt?):
      for k in 0..<block.count {
        let d = x[k] - t[k]
        v[k] = kernel.value(d)
        dt[k] = -(g[k] * kernel.derivative(d))
      }
    case (let dx?, let dt?):
      for k in 0..<block.count {
        let d = x[k] - t[k]
        v[k] = kernel.value(d)
        let gd = g[k] * kernel.derivative(d)
        dx[k] = gd
        dt[k] = -gd
      }
    }
  }
  var result = LossValue(value: output)
  if let dx {
    result.gradients[.input] = Broadcast.sum(dx, from: shape, to: input.shape)
  }
  if let dt {
    result.gradients[.target] = Broadcast.sum(dt, from: shape, to: target.shape)
  }
  return result
}
