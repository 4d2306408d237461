import RealModule

/// `torch.nn.BCELoss`: binary cross-entropy on probabilities,
///
///     ℓ = −w · (t · max(log x, −100) + (1 − t) · max(log(1 − x), −100))
///
/// - Shapes: target exactly the input's shape; `weight` broadcasts to the
///   input without enlarging it.
/// - Domain: every x and t in [0, 1]; anything else, NaN included, is
///   `value_out_of_domain` (checked element by element, input first).
/// - Gradients: ∂/∂x = g·w·(x − t) / max(x(1 − x), ε) with ε = Float(1e-12)
///   (PyTorch's float32 constant, also in Double), so x ∈ {0, 1} gets a
///   finite gradient of about ±1e12 when t differs; ∂/∂t =
///   g·w·(log(1 − x) − log x), not clamped: ±inf at x ∈ {0, 1}.
/// - `mean` divides by the element count, weighted or not.
public struct BCELoss: InputTargetLoss {
  /// Class or element weights, or nil for none.
  ///
  /// Weights are hyper-parameters like `margin`, so they are `Double` for every
  /// loss, whatever the computation's type; a call in `Float` rounds them to
  /// `Float` first, as PyTorch holds them in the input's dtype.
  public var weight: Tensor<Double>?
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// The gradient's clamp ε as the computation holds it, or nil for
  /// PyTorch's float32 constant `Float(1e-12)`. A half-precision case sets
  /// it to 1e-12 rounded to its dtype (0 in float16), as PyTorch's half
  /// kernel holds the constant in the tensor's dtype.
  package var gradientClamp: Double? = nil

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(weight: Tensor<Double>? = nil, reduction: Reduction = .mean) {
    self.weight = weight
    self.reduction = reduction
  }

  /// The loss and, as `wrt` asks, the gradients of `input` and `target`:
  /// vector–Jacobian products with `gradOutput` (0-d for a reduced output, the
  /// output's shape for `none`; ones when nil). Arguments `wrt` names that the
  /// loss does not differentiate get no gradient.
  ///
  /// - Throws: `invalid_option` for `batchmean` or a bad option;
  ///   `shape_mismatch` for a `gradOutput` not shaped like the output or a
  ///   target (or `weight`) that does not fit the input; `value_out_of_domain`
  ///   for an element outside [0, 1] (NaN included).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("BCELoss")
    let weight = self.weight?.converted(to: T.self)
    try Logistic.requireSameShape(input, target, loss: "BCELoss")
    if let weight {
      // PyTorch expands the weight against the target first ...
      _ = try Broadcast.shape(
        [target.shape, weight.shape], names: ["target", "weight"])
    }
    // ... checks the values (a fast pass; the first offender is searched
    // for only when there is one) ...
    if !BCEKernel<T>.inDomain(input.scalars, target.scalars) {
      for (x, t) in zip(input.scalars, target.scalars) {
        guard x >= 0 && x <= 1 else {
          throw LossError(
            .valueOutOfDomain,
            "input: every element must lie in [0, 1], found \(x)")
        }
        guard t >= 0 && t <= 1 else {
          throw LossError(
            .valueOutOfDomain,
            "target: every element must lie in [0, 1], found \(t)")
        }
      }
    }
    // ... and multiplies it into the loss in place (it may not enlarge it).
    let w = try Logistic.periodicOption(
      weight, named: "weight", at: input.shape)
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    if wantX || wantT {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(input.shape))
    }
    let eps = gradientClamp.map { T($0) } ?? T.pytorchEpsilon1e12
    // One fused pass (Elementwise): values, their pairwise sum and the
    // requested gradients.
    let (output, (dx, dt, _)) = Elementwise.evaluate(
      input.scalars, target.scalars, wanted: (wantX, wantT, false),
      shape: input.shape, reduction: reduction, gradOutput: gradOutput
    ) { b in
      BCEKernel<T>.block(
        b.start..<b.start + b.count, x: b.a, t: b.b, weight: w, eps: eps,
        values: b.values,
        cotangents: b.cotangents, dx: b.da, dt: b.db)
    }
    var result = LossValue(value: output)
    if let dx { result.gradients[.input] = Tensor(unchecked: input.shape, dx) }
    if let dt { result.gradients[.target] = Tensor(unchecked: input.shape, dt) }
    return result
  }
}

/// BCELoss's fused forward + backward over one block.
enum BCEKernel<T: LossScalar> {
  /// Whether every x and t lies in [0, 1] (NaN does not), in one
  /// branch-free pass.
  @inline(__always)
  static func inDomain(_ x: [T], _ t: [T]) -> Bool {
    x.withUnsafeBufferPointer { x in
      t.withUnsafeBufferPointer { t in
        var ok = true
        for i in 0..<Swift.min(x.count, t.count) {
          ok = ok && (x[i] >= 0) && (x[i] <= 1) && (t[i] >= 0) && (t[i] <= 1)
        }
        return ok
      }
    }
  }

  /// Writes the values of the elements `range` (whose inputs start at `x`
  /// and `t`) to `v[0...]` and, where non-nil, the gradients at `dx[i]`,
  /// `dt[i]`, scaled by `g[i]` (see ``BCELoss`` for the formulas).
  @inline(__always)
  static func block(
    _ range: Range<Int>, x: UnsafePointer<T>, t: UnsafePointer<T>,
    weight: PeriodicValues<T>?, eps: T, values v: UnsafeMutablePointer<T>,
    cotangents g: UnsafePointer<T>,
    dx: UnsafeMutablePointer<T>?, dt: UnsafeMutablePointer<T>?
  ) {
    let n = range.count
    let floor: T = -100
    // Scratch: log1p(−x), the weights, and a sink for the input's gradient
    // when it is not asked for (no optionals in the loops: they vectorize).
    withUnsafeTemporaryAllocation(of: T.self, capacity: 3 * n) { buffer in
      guard let logQ = buffer.baseAddress else { return }
      let wb = logQ + n
      let dx = dx ?? logQ + 2 * n
      weight.gather(range, into: wb)
      // v ← log x, logQ ← log1p(−x).
      BlockMath.log(x, v, n)
      for i in 0..<n { logQ[i] = -x[i] }
      BlockMath.log1p(logQ, logQ, n)
      if let dt {
        for i in 0..<n {
          let (xi, ti, lp, lq) = (x[i], t[i], v[i], logQ[i])
          let scale = g[i] * wb[i]
          dx[i] = scale * (xi - ti) / Swift.max(xi * (1 - xi), eps)
          dt[i] = scale * (lq - lp)
          // t·(−log p) + (1 − t)·(−log q), weighted, logs clamped at −100.
          v[i] =
            wb[i]
            * (ti * -Swift.max(lp, floor) + (1 - ti) * -Swift.max(lq, floor))
        }
        return
      }
      for i in 0..<n {
        let (xi, ti, lp, lq) = (x[i], t[i], v[i], logQ[i])
        dx[i] = g[i] * wb[i] * (xi - ti) / Swift.max(xi * (1 - xi), eps)
        v[i] =
          wb[i]
          * (ti * -Swift.max(lp, floor) + (1 - ti) * -Swift.max(lq, floor))
      }
    }
  }
}
