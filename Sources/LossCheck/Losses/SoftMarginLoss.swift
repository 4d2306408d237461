import RealModule

/// `torch.nn.SoftMarginLoss`: the two-class logistic loss log(1 + e^(−t·x)).
///
/// Deliberately NOT stabilised, to match PyTorch, which evaluates
/// log1p(exp(−t·x)) literally: once e^(−t·x) overflows (−t·x > 709.78 in
/// Double, > 88.72 in Float) the loss is +inf, and the gradient
/// −t·e^(−t·x) / (1 + e^(−t·x)) is inf/inf = NaN there.
///
/// - Shapes: the target broadcasts to the input (never the other way).
/// - The target gets no gradient: PyTorch refuses a target that requires
///   grad, so asking for one is `invalid_option`.
/// - `mean` divides by the element count.
public struct SoftMarginLoss: InputTargetLoss {
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// Where e^(−t·x) overflows in the dtype the computation stands for, or
  /// nil for the computation's own type. A half-precision case computed in
  /// Float sets the dtype's rounding threshold (65520 for float16): PyTorch
  /// stores e^(−t·x) in the tensor's dtype, so from there on the loss is
  /// +inf and the gradient NaN, as past 88.72 in Float.
  package var expOverflow: Double? = nil

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(reduction: Reduction = .mean) {
    self.reduction = reduction
  }

  /// The loss and the gradient of `input` when `wrt` asks for it:
  /// vector–Jacobian products with `gradOutput` (0-d for a reduced output,
  /// the output's shape for `none`; ones when nil).
  ///
  /// - Throws: `invalid_option` for `batchmean`, or when `wrt` asks for the
  ///   target's gradient; `shape_mismatch` for a `gradOutput` not shaped
  ///   like the output, or a target that does not broadcast to the input.
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("SoftMarginLoss")
    if wrt.contains(.target) {
      throw LossError(
        .invalidOption,
        "grad_wrt: SoftMarginLoss is not differentiable with respect to 'target' (expected only 'input')"
      )
    }
    guard Broadcast.expands(target.shape, to: input.shape) else {
      throw LossError(
        .shapeMismatch,
        "target: shape \(target.shape) does not broadcast to the input's shape \(input.shape) (the target broadcasts to the input, not the other way)"
      )
    }
    let wantX = wrt.contains(.input)
    if wantX {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(input.shape))
    }
    let t = Broadcast.expand(target, to: input.shape)
    let overflow = expOverflow.map { T($0) }
    // One fused pass (Elementwise), per block: z = e^(−t·x) (vectorized;
    // may overflow to +inf: intended, PyTorch's form), the gradient
    // −g·t·(z/(1 + z)) from z (inf/inf = NaN past the overflow, as
    // PyTorch), then the loss log1p(z) in place (vectorized).
    let (output, (dx, _, _)) = Elementwise.evaluate(
      input.scalars, t, wanted: (wantX, false, false), shape: input.shape,
      reduction: reduction, gradOutput: gradOutput
    ) { b in
      let (x, t, v, g, count) = (b.a, b.b, b.values, b.cotangents, b.count)
      let z = UnsafeMutableBufferPointer(start: v, count: count)
      for k in 0..<count { v[k] = -(t[k] * x[k]) }
      T.vexp(inPlace: z)
      if let overflow {
        for k in 0..<count where v[k] >= overflow { v[k] = .infinity }
      }
      if let dx = b.da {
        for k in 0..<count { dx[k] = -g[k] * t[k] * (v[k] / (1 + v[k])) }
      }
      T.vlog1p(inPlace: z)
    }
    var result = LossValue(value: output)
    if let dx { result.gradients[.input] = Tensor(unchecked: input.shape, dx) }
    return result
  }
}
