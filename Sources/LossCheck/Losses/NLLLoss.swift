/// `torch.nn.NLLLoss`: the negative log likelihood of class-index targets.
///
/// Input (N, C), (C) or (N, C, d1, …, dk); target (N), 0-d (or [1],
/// forward only) for (C), (N, d1, …, dk); int64 class indices. At each
/// position i the loss is −w[tᵢ]·x[i, tᵢ] (w = 1 without weights), and 0
/// where tᵢ == `ignoreIndex` (checked before the range, so an ignore index
/// outside [0, C) is fine). `mean` divides the sum by D = Σ w[tᵢ] over the
/// positions kept: all ignored gives NaN with an all-zero gradient; kept
/// positions whose weights sum to 0 give NaN. `none` has the target's shape
/// (0-d unbatched).
///
/// Gradient: −gᵢ·w[tᵢ]/D at (i, tᵢ), 0 elsewhere (NaN there when D = 0
/// with kept positions).
///
/// Refusals: a 0-d input, batch or spatial sizes that differ, a target
/// outside [0, C) that is not the ignore index, a weight that is not 1-d
/// with C elements, a gradient with a [1] target for a (C) input.
public struct NLLLoss: Sendable {
  /// Class weights (C elements), converted to the computation's type.
  public var weight: Tensor<Double>?
  /// The class index whose positions contribute nothing (it may lie
  /// outside [0, C)).
  public var ignoreIndex: Int
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// A rounding applied to each nonzero gradient element as it is written
  /// (a half-precision case computed in Float rounds them to its dtype
  /// here, so the gradient, zero elsewhere, needs no second pass over its
  /// C·N elements); nil writes them as computed. Used only when the
  /// computation's type is Float.
  package var gradientRounding: (@Sendable (Float) -> Float)? = nil

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    weight: Tensor<Double>? = nil, ignoreIndex: Int = -100,
    reduction: Reduction = .mean
  ) {
    self.weight = weight
    self.ignoreIndex = ignoreIndex
    self.reduction = reduction
  }

  /// The loss alone (no gradients): ``valueWithGradient`` with `wrt: .none`.
  ///
  /// - Throws: what ``valueWithGradient`` throws.
  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  /// The loss and the VJP of `input` with `gradOutput` (ones when nil).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("NLLLoss")
    let layout = try ClassLayout(indicesFor: input.shape, target: target.shape)
    let C = layout.classes
    let w: [T]? = try classWeights(weight, classes: C)
    let targets = target.scalars
    let kept = try checkClassTargets(
      target, classes: C, ignoreIndex: ignoreIndex)
    if wrt.contains(.input) {
      try refuseUnbatchedLengthOneGradient(
        input: input.shape, target: target.shape)
    }
    let positions = layout.positions
    // D: the kept positions' weights, summed pairwise (their count
    // without weights).
    let denominator: T
    if let w {
      var weightOf = [T](repeating: 0, count: positions)
      for p in 0..<positions where Int(targets[p]) != ignoreIndex {
        weightOf[p] = w[Int(targets[p])]
      }
      denominator = Summation.pairwise(weightOf)
    } else {
      denominator = T(kept)
    }
    let wantX = wrt.contains(.input)
    if wantX {
      try checkGradOutput(
        gradOutput, outputShape: reduction == .none ? layout.outputShape : [])
    }
    // Blocks of positions (a fixed grid: the sums do not depend on the
    // thread count; threads take runs of whole blocks). Per block: the flat
    // index of each position's target element (−1: ignored); the values,
    // a short loop of independent loads (the input is usually cold by now,
    // and the processor overlaps them); their pairwise sum; then the
    // gradient, zero but for one element per position (the cotangent needs
    // only D, known already). With the classes contiguous (no spatial
    // dimensions) the block's gradient rows are zeroed in one fill and the
    // nonzero elements written into them while they are in cache.
    let contiguous = layout.inner == 1
    var dx: [T] =
      !wantX
      ? []
      : contiguous
        ? FusedPass.uninitialized(count: input.count)
        : FusedPass.zeros(count: input.count)
    var values: [T] =
      reduction == .none ? FusedPass.uninitialized(count: positions) : []
    let sharedG: T? =
      switch reduction {
      case .none: nil
      case .sum: gradOutput?.scalars[0] ?? 1
      case .mean, .batchmean: (gradOutput?.scalars[0] ?? 1) / denominator
      }
    let gs: [T]? = reduction == .none ? gradOutput?.scalars : nil
    let blockRows = Swift.max(16, Swift.min(1024, 65536 / Swift.max(1, C)))
    let blocks = (positions + blockRows - 1) / blockRows
    let ignore = ignoreIndex
    let rounding = T.self == Float.self ? gradientRounding : nil
    var blockSums = [T](repeating: 0, count: reduction == .none ? 0 : blocks)
    input.scalars.withUnsafeBufferPointer { x in
      targets.withUnsafeBufferPointer { targets in
        values.withUnsafeMutableBufferPointer { values in
          blockSums.withUnsafeMutableBufferPointer { blockSums in
            dx.withUnsafeMutableBufferPointer { dx in
              guard let x = x.baseAddress, let targets = targets.baseAddress
              else { return }
              let dxBase = dx.nonEmptyBase
              let out = values.nonEmptyBase
              let sums = blockSums.nonEmptyBase
              Parallelism.forEachChunk(
                blocks,
                minimumChunk: Swift.max(
                  1, (1 << 15) / (blockRows * Swift.max(1, C)))
              ) { _, chunk in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: blockRows)
                { element in
                  withUnsafeTemporaryAllocation(
                    of: T.self, capacity: 2 * blockRows
                  ) { scratch in
                    guard let element = element.baseAddress,
                      let scale = scratch.baseAddress
                    else { return }
                    // Each position's weight (0: ignored), then, for a
                    // reduced output, the block's values to be summed.
                    let blockValues = scale + blockRows
                    for b in chunk {
                      let lo = b * blockRows
                      let n = Swift.min(blockRows, positions - lo)
                      let v = out.map { $0 + lo } ?? blockValues
                      for i in 0..<n {
                        let p = lo + i
                        let t = Int(targets[p])
                        let ignored = t == ignore
                        element[i] =
                          ignored
                          ? -1
                          : contiguous
                            ? p * C + t : layout.index(position: p, class: t)
                        scale[i] = ignored ? 0 : w?[t] ?? 1
                      }
                      for i in 0..<n {
                        let k = element[i]
                        let xk = x[Swift.max(k, 0)]
                        v[i] = k < 0 ? 0 : -scale[i] * xk
                      }
                      sums?[b] = Summation.pairwise(
                        UnsafeBufferPointer(start: v, count: n))
                      guard let dxBase else { continue }
                      if contiguous {
                        (dxBase + lo * C).update(repeating: 0, count: n * C)
                      }
                      if let rounding {
                        for i in 0..<n where element[i] >= 0 {
                          let d = -scale[i] * (sharedG ?? gs?[lo + i] ?? 1)
                          dxBase[element[i]] = T(rounding(Float(d)))
                        }
                        continue
                      }
                      for i in 0..<n where element[i] >= 0 {
                        dxBase[element[i]] =
                          -scale[i] * (sharedG ?? gs?[lo + i] ?? 1)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let output: Tensor<T>
    switch reduction {
    case .none: output = Tensor(unchecked: layout.outputShape, values)
    case .sum: output = Tensor(Summation.pairwise(blockSums))
    case .mean, .batchmean:
      output = Tensor(Summation.pairwise(blockSums) / denominator)
    }
    var result = LossValue(value: output)
    guard wantX else { return result }
    result.gradients[.input] = Tensor(unchecked: input.shape, dx)
    return result
  }
}
