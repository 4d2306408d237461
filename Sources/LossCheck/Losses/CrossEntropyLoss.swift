/// `torch.nn.CrossEntropyLoss`: log-softmax over the class dimension (1, or
/// 0 for an unbatched (C) input), then the cross entropy with the target.
///
/// The target kind is decided by shape, as PyTorch does: a target shaped
/// like the input holds class probabilities (and must be floating);
/// otherwise it holds class indices (int64, shaped like the input without
/// its class dimension). With ε = `labelSmoothing` (ε < 0 acts as 0, ε > 1
/// is refused), log pᵢ = log_softmax(xᵢ) and class weights w (1 without):
///
/// - indices: ℓᵢ = (1 − ε)·(−w[tᵢ]·log pᵢ[tᵢ]) + (ε/C)·(−Σ_c w_c·log pᵢ[c]),
///   0 where tᵢ == `ignoreIndex`; `mean` divides by D = Σ w[tᵢ] over the
///   positions kept (NaN when all are ignored, with a zero gradient).
/// - probabilities: t′ = (1 − ε)·t + ε/C; ℓᵢ = −Σ_c w_c·t′_c·log pᵢ[c];
///   `mean` divides by the number of positions N·d1·…·dk. Probabilities are
///   not validated. A non-negative `ignoreIndex` is refused.
///
/// Gradient in the logits, per position with cotangent gᵢ (÷ D for mean):
/// gᵢ·(pᵢ[c]·Σ_k a_k − a_c) where a_c is the weight the loss puts on
/// −log pᵢ[c] (a = (1 − ε)·w[t]·onehot(t) + (ε/C)·w, or w·t′). Ignored
/// positions get gᵢ = 0 times pᵢ[c]: 0, except NaN where the softmax is NaN
/// (a NaN or +inf logit), as in PyTorch. The probability target's gradient
/// is −gᵢ·(1 − ε)·w_c·log pᵢ[c].
public struct CrossEntropyLoss: Sendable {
  /// A target: class indices or class probabilities.
  public enum Target<T: LossScalar>: Sendable {
    case indices(Tensor<Int64>)
    case probabilities(Tensor<T>)

    var shape: [Int] {
      switch self {
      case .indices(let t): t.shape
      case .probabilities(let t): t.shape
      }
    }
  }

  /// Class weights (C elements), converted to the computation's type.
  public var weight: Tensor<Double>?
  /// The class index whose positions contribute nothing (index targets
  /// only; a non-negative value with probability targets is refused).
  public var ignoreIndex: Int
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// ε in [0, 1]: the weight moved from the target to the uniform
  /// distribution; ε < 0 acts as 0, ε > 1 is `invalid_option`.
  public var labelSmoothing: Double

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    weight: Tensor<Double>? = nil, ignoreIndex: Int = -100,
    reduction: Reduction = .mean, labelSmoothing: Double = 0
  ) {
    self.weight = weight
    self.ignoreIndex = ignoreIndex
    self.reduction = reduction
    self.labelSmoothing = labelSmoothing
  }

  /// The loss alone (no gradients): ``valueWithGradient`` with `wrt: .none`.
  ///
  /// - Throws: what ``valueWithGradient`` throws.
  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Target<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  /// The loss and the VJPs of `input` (and of `target` for probabilities)
  /// with `gradOutput` (ones when nil).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Target<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("CrossEntropyLoss")
    if target.shape == input.shape {
      guard case .probabilities(let t) = target else {
        throw LossError(
          .dtypeMismatch,
          "target: dtype int64 with the input's shape \(input.shape): a target shaped like the input holds class probabilities and must be floating (class indices drop the class dimension)"
        )
      }
      return try probabilities(input, t, gradOutput: gradOutput, wrt: wrt)
    }
    let layout = try ClassLayout(indicesFor: input.shape, target: target.shape)
    guard case .indices(let t) = target else {
      throw LossError(
        .dtypeMismatch,
        "target: dtype \(T.dtypeName) for class-index targets (shape \(target.shape) differs from the input's \(input.shape), so it must hold int64 class indices)"
      )
    }
    return try indices(input, t, layout, gradOutput: gradOutput, wrt: wrt)
  }

  func smoothing() throws(LossError) -> Double {
    guard labelSmoothing <= 1 else {
      throw .option(
        "label_smoothing: \(labelSmoothing) is out of range (expected a value <= 1.0; PyTorch requires 0.0 <= label_smoothing <= 1.0, a negative value acts as 0)"
      )
    }
    return max(labelSmoothing, 0)
  }

  /// log p at every element (log-softmax over the classes).
  func logSoftmax<T: LossScalar>(_ x: [T], _ layout: ClassLayout) -> [T] {
    var lp = [T](repeating: 0, count: x.count)
    for p in 0..<layout.positions {
      let (m, logSum) = logSoftmaxShift(x, layout, position: p)
      for c in 0..<layout.classes {
        let k = layout.index(position: p, class: c)
        lp[k] = (x[k] - m) - logSum
      }
    }
    return lp
  }

  func indices<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>, _ layout: ClassLayout,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let eps = try smoothing()
    if wrt.contains(.target) {
      throw LossError(
        .dtypeMismatch,
        "grad_wrt: 'target' holds class indices (int64) and has no gradient")
    }
    if eps > 0 && input.rank == 1 && target.shape == [1] {
      // PyTorch's smoothing term cannot broadcast the [1] target's mask.
      throw .shape(
        "target: shape [1] for an unbatched input \(input.shape) with label_smoothing \(eps) (use a 0-d target)"
      )
    }
    if wrt.contains(.input) {
      try refuseUnbatchedLengthOneGradient(
        input: input.shape, target: target.shape)
    }
    let C = layout.classes
    let w: [T] =
      try classWeights(weight, classes: C) ?? [T](repeating: 1, count: C)
    let classOf = try classTargets(target, classes: C, ignoreIndex: ignoreIndex)
    let positions = layout.positions
    // D = Σ w[tᵢ] over the kept positions, known before any logit is read,
    // so that forward and backward share one pass.
    let kept = FusedPass.array(count: positions) {
      (k: UnsafeMutablePointer<T>) in
      for p in 0..<positions { k[p] = classOf[p].map { w[$0] } ?? 0 }
    }
    let denominator = Summation.pairwise(kept)
    let wantX = wrt.contains(.input)
    let outputShape = reduction == .none ? layout.outputShape : []
    if wantX { try checkGradOutput(gradOutput, outputShape: outputShape) }
    let rule = SoftmaxCrossEntropyRule(
      keep: T(1 - eps), spread: T(eps) / T(C), smoothing: eps > 0,
      weightTotal: w.reduce(0, +))
    var dx: [T] = []
    let values = FusedPass.array(count: positions) {
      (values: UnsafeMutablePointer<T>) in
      w.withUnsafeBufferPointer { w in
        input.scalars.withUnsafeBufferPointer { x in
          guard let x = x.baseAddress, let w = w.baseAddress else {
            // No classes: every kept target would be out of range.
            values.initialize(repeating: 0, count: positions)
            if wantX { dx = [] }
            return
          }
          let run = { (dxBase: UnsafeMutablePointer<T>?) in
            FusedPass.forEachRowChunk(
              rows: positions, width: C, scratchCount: C, of: T.self
            ) { chunk, scratch in
              for p in chunk {
                let g = wantX ? cotangent(gradOutput, p, denominator) : 0
                let base = layout.index(position: p, class: 0)
                values[p] = rule.row(
                  x + base, stride: layout.inner, classes: C,
                  target: classOf[p],
                  weights: w, scratch: scratch, cotangent: g,
                  gradient: dxBase.map { $0 + base })
              }
            }
          }
          if wantX {
            dx = FusedPass.array(count: input.count) { run($0) }
          } else {
            run(nil)
          }
        }
      }
    }
    let output: Tensor<T>
    switch reduction {
    case .none: output = Tensor(unchecked: layout.outputShape, values)
    case .sum: output = Tensor(Summation.pairwise(values))
    case .mean, .batchmean:
      output = Tensor(Summation.pairwise(values) / denominator)
    }
    var result = LossValue(value: output)
    if wantX { result.gradients[.input] = Tensor(unchecked: input.shape, dx) }
    return result
  }

  func probabilities<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>?,
    wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    guard ignoreIndex < 0 else {
      throw .option(
        "ignore_index: \(ignoreIndex) with probability targets (expected a negative value: ignore_index is not supported for floating point targets)"
      )
    }
    let eps = try smoothing()
    guard input.rank > 0 else {
      throw .shape(
        "input: shape [] has no class dimension (expected (C), (N, C) or (N, C, d1, ...))"
      )
    }
    let layout = ClassLayout(probabilitiesFor: input.shape)
    let C = layout.classes
    let w: [T] =
      try classWeights(weight, classes: C) ?? [T](repeating: 1, count: C)
    let keep = T(1 - eps)
    let spread = T(eps) / T(C)
    let x = input.scalars
    let lp = logSoftmax(x, layout)
    // The smoothed target t′, elementwise (PyTorch skips the mix at ε = 0).
    let smoothed =
      eps > 0 ? target.scalars.map { $0 * keep + spread } : target.scalars
    let positions = layout.positions
    var values = [T](repeating: 0, count: positions)
    for p in 0..<positions {
      var s: T = 0
      for c in 0..<C {
        let k = layout.index(position: p, class: c)
        s += w[c] * smoothed[k] * lp[k]
      }
      values[p] = -s
    }
    let output: Tensor<T>
    switch reduction {
    case .none: output = Tensor(unchecked: layout.outputShape, values)
    case .sum: output = Tensor(Summation.pairwise(values))
    case .mean, .batchmean:
      output = Tensor(Summation.pairwise(values) / T(positions))
    }
    var result = LossValue(value: output)
    guard wrt.contains(.input) || wrt.contains(.target) else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let denominator = T(positions)
    var dx = [T](repeating: 0, count: x.count)
    var dt = [T](repeating: 0, count: x.count)
    for p in 0..<positions {
      let g = cotangent(gradOutput, p, denominator)
      var total: T = 0
      for c in 0..<C {
        total += w[c] * smoothed[layout.index(position: p, class: c)]
      }
      for c in 0..<C {
        let k = layout.index(position: p, class: c)
        dx[k] = g * (T.exp(lp[k]) * total - w[c] * smoothed[k])
        dt[k] = -g * keep * w[c] * lp[k]
      }
    }
    if wrt.contains(.input) {
      result.gradients[.input] = Tensor(unchecked: input.shape, dx)
    }
    if wrt.contains(.target) {
      result.gradients[.target] = Tensor(unchecked: input.shape, dt)
    }
    return result
  }

  /// The cotangent of position `p`'s value (÷ `denominator` for mean).
  func cotangent<T: LossScalar>(_ g: Tensor<T>?, _ p: Int, _ denominator: T)
    -> T
  {
    switch reduction {
    case .none: return g?.scalars[p] ?? 1
    case .sum: return g?.scalars[0] ?? 1
    case .mean, .batchmean: return (g?.scalars[0] ?? 1) / denominator
    }
  }
}
