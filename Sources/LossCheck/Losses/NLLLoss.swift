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
  public var ignoreIndex: Int
  public var reduction: Reduction

  public init(
    weight: Tensor<Double>? = nil, ignoreIndex: Int = -100,
    reduction: Reduction = .mean
  ) {
    self.weight = weight
    self.ignoreIndex = ignoreIndex
    self.reduction = reduction
  }

  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  /// The loss and the VJP of `input` with `gradOutput` (ones when nil).
  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input"]
  ) throws(LossError) -> LossValue<T> {
    let layout = try ClassLayout(indicesFor: input.shape, target: target.shape)
    let w: [T]? = try classWeights(weight, classes: layout.classes)
    let classOf = try classTargets(
      target, classes: layout.classes, ignoreIndex: ignoreIndex)
    if wrt.contains("input") {
      try refuseUnbatchedLengthOneGradient(input: input.shape, target: target.shape)
    }
    let positions = layout.positions
    var weightOf = [T](repeating: 0, count: positions)
    for p in 0..<positions {
      if let c = classOf[p] { weightOf[p] = w?[c] ?? 1 }
    }
    let denominator = accurateSum(weightOf)
    let wantX = wrt.contains("input")
    if wantX {
      try checkGradOutput(
        gradOutput, outputShape: reduction == .none ? layout.outputShape : [])
    }
    // Blocks of positions: first the values of a block (independent
    // loads, one per position, which the processor overlaps: the input is
    // usually cold by now), then its gradient, zero but for one element per
    // position (the cotangent needs only D, known already). With the
    // classes contiguous (no spatial dimensions) the block's gradient rows
    // are zeroed in one fill and the nonzero elements written into them
    // while they are in cache. Blocks are split across threads.
    let contiguous = layout.inner == 1
    var dx: [T] =
      !wantX ? [] : contiguous ? FusedPass.uninitialized(count: input.count) : FusedPass.zeros(count: input.count)
    var values = [T](repeating: 0, count: positions)
    let C = layout.classes
    let sharedG: T? =
      switch reduction {
      case .none: nil
      case .sum: gradOutput?.scalars[0] ?? 1
      case .mean: (gradOutput?.scalars[0] ?? 1) / denominator
      }
    let gs: [T]? = reduction == .none ? gradOutput?.scalars : nil
    let blockRows = Swift.max(1, 65536 / Swift.max(1, C))
    input.scalars.withUnsafeBufferPointer { x in
      values.withUnsafeMutableBufferPointer { values in
        dx.withUnsafeMutableBufferPointer { dx in
          guard let x = x.baseAddress, let values = values.baseAddress else { return }
          let dxBase = dx.nonEmptyBase
          FusedPass.forEachRowChunk(rows: positions, width: C, scratchCount: 0, of: T.self) {
            chunk, _ in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: blockRows) { element in
              guard let element = element.baseAddress else { return }
              var block = chunk.lowerBound
              while block < chunk.upperBound {
                let blockEnd = Swift.min(chunk.upperBound, block + blockRows)
                // The flat index of each position's target element (−1:
                // ignored), so that the gather below is a short loop of
                // independent loads.
                for p in block..<blockEnd {
                  element[p - block] =
                    classOf[p].map {
                      contiguous ? p * C + $0 : layout.index(position: p, class: $0)
                    } ?? -1
                }
                for p in block..<blockEnd {
                  let k = element[p - block]
                  let xk = x[Swift.max(k, 0)]
                  values[p] = k < 0 ? 0 : -weightOf[p] * xk
                }
                if let dxBase {
                  if contiguous {
                    (dxBase + block * C).update(repeating: 0, count: (blockEnd - block) * C)
                  }
                  for p in block..<blockEnd {
                    let k = element[p - block]
                    if k >= 0 { dxBase[k] = -weightOf[p] * (sharedG ?? gs?[p] ?? 1) }
                  }
                }
                block = blockEnd
              }
            }
          }
        }
      }
    }
    let output: Tensor<T>
    switch reduction {
    case .none: output = Tensor(unchecked: layout.outputShape, values)
    case .sum: output = Tensor(accurateSum(values))
    case .mean: output = Tensor(accurateSum(values) / denominator)
    }
    var result = LossValue(value: output)
    guard wantX else { return result }
    result.gradients["input"] = Tensor(unchecked: input.shape, dx)
    return result
  }
}
