import RealModule

/// `torch.nn.MultiLabelSoftMarginLoss`: per sample, the weighted mean over
/// the class dimension (the input's last) of the logistic loss,
///
///     ℓ = (1/C) Σ_c w_c · (t·softplus(−x) + (1 − t)·softplus(x)),
///
/// C = input.shape.last (softplus(−x) = −log σ(x)). Output: input.shape
/// without its last dimension ((N) for (N, C), 0-d for (C)); `mean`
/// averages those values, `sum` adds them.
///
/// PyTorch writes this loss as plain tensor code, so input, target and
/// weight broadcast both ways, and the sum runs over dimension
/// input.rank − 1 *of the broadcast shape, counted from the front*: a target
/// or weight of higher rank moves the summed axis (input (4) with target
/// (3, 4) sums over the 3, giving shape (4)). We do the same.
///
/// - A 0-d input has no class dimension: `shape_mismatch`.
/// - C = 0 gives 0/0 = NaN per sample. Non-finite logits follow the formula:
///   x = +inf with t = 1, and x = −inf with t = 0, are 0·inf = NaN.
/// - Gradients: ∂/∂x = g·w·(σ(x) − t)/C, ∂/∂t = −g·w·x/C, summed back to
///   each argument's shape.
public struct MultiLabelSoftMarginLoss: InputTargetLoss {
  /// Class or element weights, or nil for none.
  ///
  /// Weights are hyper-parameters like `margin`, so they are `Double` for every
  /// loss, whatever the computation's type; a call in `Float` rounds them to
  /// `Float` first, as PyTorch holds them in the input's dtype.
  public var weight: Tensor<Double>?
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

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
  ///   `shape_mismatch` for a `gradOutput` not shaped like the output or a 0-d
  ///   input, or a target or `weight` that does not broadcast.
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("MultiLabelSoftMarginLoss")
    let weight = self.weight?.converted(to: T.self)
    var shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    if let weight {
      shape = try Broadcast.shape(
        [shape, weight.shape], names: ["the loss", "weight"])
    }
    guard let classes = input.shape.last else {
      throw LossError(
        .shapeMismatch,
        "input: a 0-d tensor has no class dimension (expected at least 1 dimension: (C) or (N, C))"
      )
    }
    if shape == input.shape && target.shape == input.shape {
      return try rowwise(input, target, gradOutput: gradOutput, wrt: wrt)
    }
    return try broadcasting(
      input, target, shape: shape, classes: classes, gradOutput: gradOutput,
      wrt: wrt)
  }

  /// The general path: input, target and weight broadcast to `shape`
  /// (whose last input dimension is the `classes` axis), one sample at a
  /// time, unfused.
  func broadcasting<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, shape: [Int], classes: Int,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let weight = self.weight?.converted(to: T.self)
    let axis = input.rank - 1  // in `shape`, counted from the front
    let outer = shape[..<axis].reduce(1, *)
    let span = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    var outShape = shape
    outShape.remove(at: axis)
    let x = Broadcast.expand(input, to: shape)
    let t = Broadcast.expand(target, to: shape)
    let w = weight.map { Broadcast.expand($0, to: shape) }
    let c = T(classes)

    var perSample = [T](repeating: 0, count: outer * inner)
    var terms = [T](repeating: 0, count: span)
    for o in 0..<outer {
      for i in 0..<inner {
        for k in 0..<span {
          let e = (o * span + k) * inner + i
          let v =
            t[e] * Logistic.softplus(-x[e]) + (1 - t[e])
            * Logistic.softplus(x[e])
          terms[k] = (w?[e] ?? 1) * v
        }
        // C = 0: 0/0 = NaN
        perSample[o * inner + i] = Summation.pairwise(terms) / c
      }
    }
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    if wantX || wantT {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let (output, g) = reduction.reduce(
      perSample, shape: outShape, gradOutput: gradOutput,
      cotangents: wantX || wantT)
    var result = LossValue(value: output)
    guard wantX || wantT else { return result }
    var dx = [T](repeating: 0, count: wantX ? x.count : 0)
    var dt = [T](repeating: 0, count: wantT ? x.count : 0)
    for o in 0..<outer {
      for i in 0..<inner {
        let gs = g[o * inner + i] / c
        for k in 0..<span {
          let e = (o * span + k) * inner + i
          let scale = gs * (w?[e] ?? 1)
          if wantX { dx[e] = scale * (Logistic.sigmoid(x[e]) - t[e]) }
          if wantT { dt[e] = scale * -x[e] }
        }
      }
    }
    if wantX {
      result.gradients[.input] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    if wantT {
      result.gradients[.target] = Broadcast.sum(
        dt, from: shape, to: target.shape)
    }
    return result
  }

  /// The common case, target shaped like the input and any weight
  /// broadcasting to it: N rows of C contiguous classes, forward and
  /// backward fused per row, rows split across threads.
  func rowwise<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>?,
    wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let weight = self.weight?.converted(to: T.self)
    let shape = input.shape
    let classes = shape.last ?? 1
    let rows =
      classes == 0 ? shape.dropLast().reduce(1, *) : input.count / classes
    let w = try Logistic.periodicOption(weight, named: "weight", at: shape)
    let outShape = Array(shape.dropLast())
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    if wantX || wantT {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let c = T(classes)
    var dx: [T] = wantX ? FusedPass.uninitialized(count: input.count) : []
    var dt: [T] = wantT ? FusedPass.uninitialized(count: input.count) : []
    var output = Tensor<T>(0)
    input.scalars.withUnsafeBufferPointer { x in
      target.scalars.withUnsafeBufferPointer { t in
        dx.withUnsafeMutableBufferPointer { dx in
          dt.withUnsafeMutableBufferPointer { dt in
            let (dxBase, dtBase) = (dx.nonEmptyBase, dt.nonEmptyBase)
            output = reduction.evaluate(
              count: rows, shape: outShape,
              gradOutput: wantX || wantT ? gradOutput : nil, width: classes
            ) { start, count, perSample, g in
              guard let x = x.baseAddress, let t = t.baseAddress else {
                // No elements: C = 0 gives 0/0 = NaN per sample.
                return perSample.initialize(repeating: 0 / c, count: count)
              }
              // e, log1p(e) then the terms, the weights, and sinks for
              // gradients not asked for (no optionals: the loop vectorizes).
              withUnsafeTemporaryAllocation(
                of: T.self, capacity: max(1, 5 * classes)
              ) { scratch in
                guard let scratch = scratch.baseAddress else { return }
                let (e, l, wb) = (
                  scratch, scratch + classes, scratch + 2 * classes
                )
                for q in 0..<count {
                  let r = start + q
                  let lo = r * classes
                  let (x, t) = (x + lo, t + lo)
                  w.gather(lo..<(lo + classes), into: wb)
                  logisticBlock(x, classes, e: e, l: l)
                  let gs = g[q] / c
                  let dx = dxBase.map { $0 + lo } ?? scratch + 3 * classes
                  let dt = dtBase.map { $0 + lo } ?? scratch + 4 * classes
                  for k in 0..<classes {
                    let (xk, tk, lk) = (x[k], t[k], l[k])
                    let scale = gs * wb[k]
                    dx[k] = scale * (sigmoid(xk, fromExpOfMinusAbs: e[k]) - tk)
                    dt[k] = scale * -xk
                    // w·(t·softplus(−x) + (1 − t)·softplus(x)), over l.
                    l[k] =
                      wb[k]
                      * (tk * (positivePart(-xk) + lk) + (1 - tk)
                        * (positivePart(xk) + lk))
                  }
                  let terms = UnsafeBufferPointer(start: l, count: classes)
                  perSample[q] = Summation.pairwise(terms) / c
                }
              }
            }
          }
        }
      }
    }
    var result = LossValue(value: output)
    if wantX { result.gradients[.input] = Tensor(unchecked: shape, dx) }
    if wantT { result.gradients[.target] = Tensor(unchecked: shape, dt) }
    return result
  }
}
