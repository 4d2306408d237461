import RealModule

/// `torch.nn.GaussianNLLLoss(full: false, eps: 1e-6)`: the negative log
/// likelihood of the target under N(input, var), elementwise:
/// ½(log v + (x − t)²/v) with v = max(var, eps), plus ½·log(2π) if `full`.
///
/// Checks, in PyTorch's order:
/// 1. a negative `var` entry (or a negative plain-number var) is
///    `value_out_of_domain` (NaN passes: NaN < 0 is false, and gives NaN);
/// 2. var's shape must be x's shape; or x's shape without its last
///    dimension (var is then read with a trailing 1, so a 0-d var fits a
///    0-d or 1-d x); or x's rank where the var sizes at the dimensions that
///    differ sum to 1 (one dimension where var has size 1: (N, 1) or (1, D)
///    for (N, D), not (1, 1)). Anything else is `shape_mismatch`.
/// A plain-number var is a float broadcast to x's shape (and gets no
/// gradient). x and t broadcast both ways, then var with them.
///
/// Gradients, with r = (x − t)/v: ∂x = r, ∂t = −r,
/// ∂var = ½(1/v − r²). PyTorch clamps without gradient tracking, so ∂var
/// is this same expression at the clamped v also where var < eps (not the
/// true derivative 0 of the flat part).
public struct GaussianNLLLoss: Sendable {
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// Whether the constant ½·log(2π) is added.
  public var full: Bool
  /// The floor the variance is clamped to (without gradient, as PyTorch).
  public var eps: Double

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    reduction: Reduction = .mean, full: Bool = false, eps: Double = 1e-6
  ) {
    self.reduction = reduction
    self.full = full
    self.eps = eps
  }

  /// The loss with a tensor variance.
  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, _ variance: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, variance, wrt: .none).value
  }

  /// The loss with a plain-number variance (a float, as in PyTorch).
  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, variance: Double
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, variance: variance, wrt: .none).value
  }

  /// The loss and the VJPs of `input`, `target` and `var` (the variance
  /// tensor) with `gradOutput` (ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, _ variance: Tensor<T>,
    gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target, .variance]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("GaussianNLLLoss")
    if let bad = GaussianNLLLoss.firstNegative(variance.scalars) {
      throw .domain("var: has a negative entry (\(bad)); expected var >= 0")
    }
    let readShape = try GaussianNLLLoss.varianceReadShape(
      input: input.shape, variance: variance.shape)
    let read = Tensor(unchecked: readShape, variance.scalars)
    var result = try compute(
      input, target, read, gradOutput: gradOutput, wrt: wrt)
    if let g = result.gradients[.variance] {
      result.gradients[.variance] = Tensor(unchecked: variance.shape, g.scalars)
    }
    return result
  }

  /// The loss and the VJPs of `input` and `target` with a plain-number
  /// variance, which has no gradient.
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, variance: Double,
    gradOutput: Tensor<T>? = nil, wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("GaussianNLLLoss")
    guard !(variance < 0) else {
      throw .domain("var: \(variance) is negative (expected var >= 0)")
    }
    if wrt.contains(.variance) {
      throw .option("grad_wrt: var is a plain number and has no gradient")
    }
    // PyTorch: var * ones_like(input), in the input's dtype.
    let read = Tensor(
      unchecked: input.shape, [T](repeating: T(variance), count: input.count))
    return try compute(input, target, read, gradOutput: gradOutput, wrt: wrt)
  }

  /// The shape var is read at, or `shape_mismatch`.
  static func varianceReadShape(input x: [Int], variance v: [Int])
    throws(LossError) -> [Int]
  {
    if v == x { return v }
    if !x.isEmpty && v == Array(x.dropLast()) { return v + [1] }
    if v.count == x.count {
      var sizes = 0
      for k in 0..<x.count where x[k] != v[k] { sizes += v[k] }
      if sizes == 1 { return v }
    }
    throw .shape(
      "var: shape \(v) is of incorrect size for input shape \(x) (expected the input's shape, "
        + "the input's shape without its last dimension, or the input's shape with one dimension of size 1)"
    )
  }

  /// The first negative entry of `values`, if any. A branch-free count
  /// first (a vectorizable pass; NaN is not negative), the search only on
  /// the refusal path.
  @inlinable
  static func firstNegative<T: LossScalar>(_ values: [T]) -> T? {
    let negatives = values.withUnsafeBufferPointer { p in
      var count = 0
      for v in p { count &+= v < 0 ? 1 : 0 }
      return count
    }
    guard negatives > 0 else { return nil }
    return values.first { $0 < 0 }
  }

  /// One fused pass (``Elementwise``) over x, t and var broadcast
  /// together: per element v = max(var, eps) (NaN stays NaN), d = x − t,
  /// r = d/v, the loss ½(log v + d·r) (+ ½·log 2π) into the reduction and
  /// the requested gradients g·r, −g·r and g·(1/v − r²)/2.
  @inlinable
  func compute<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, _ variance: Tensor<T>,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let shape = try Broadcast.shape(
      [input.shape, target.shape, variance.shape],
      names: ["input", "target", "var"])
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    let wantV = wrt.contains(.variance)
    let wantAny = wantX || wantT || wantV
    if wantAny {
      try checkGradOutput(gradOutput, outputShape: reduction.outputShape(shape))
    }
    let x = Broadcast.expand(input, to: shape)
    let t = Broadcast.expand(target, to: shape)
    let raw = Broadcast.expand(variance, to: shape)
    let e = T(eps)  // PyTorch clamps with eps in the tensor's dtype
    let constant: T = full ? T.log(2 * T.pi) / 2 : 0
    let (output, (dx, dt, dv)) = Elementwise.evaluate(
      x, t, raw, wanted: (wantX, wantT, wantV), shape: shape,
      reduction: reduction,
      gradOutput: gradOutput
    ) { b in
      let (x, t, v, g, count) = (b.a, b.b, b.values, b.cotangents, b.count)
      guard let raw = b.c else { return }
      // v = max(var, eps), NaN kept (eps >= NaN is false).
      for k in 0..<count { v[k] = e >= raw[k] ? e : raw[k] }
      T.vlog(inPlace: UnsafeMutableBufferPointer(start: v, count: count))
      if let dx = b.da, b.db == nil, b.dc == nil {
        // The common case: the input's gradient only.
        for k in 0..<count {
          let vk = e >= raw[k] ? e : raw[k]
          let d = x[k] - t[k]
          let r = d / vk
          v[k] = (v[k] + d * r) / 2 + constant
          dx[k] = g[k] * r
        }
        return
      }
      let (dx, dt, dv) = (b.da, b.db, b.dc)
      for k in 0..<count {
        let vk = e >= raw[k] ? e : raw[k]
        let d = x[k] - t[k]
        let r = d / vk
        v[k] = (v[k] + d * r) / 2 + constant
        let gx = g[k] * r
        dx?[k] = gx
        dt?[k] = -gx
        dv?[k] = g[k] * (1 / vk - r * r) / 2
      }
    }
    var result = LossValue(value: output)
    if let dx {
      result.gradients[.input] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    if let dt {
      result.gradients[.target] = Broadcast.sum(
        dt, from: shape, to: target.shape)
    }
    if let dv {
      result.gradients[.variance] = Broadcast.sum(
        dv, from: shape, to: variance.shape)
    }
    return result
  }
}
