/// `torch.nn.MultiLabelMarginLoss`: a hinge between every target class and
/// every non-target class of a sample.
///
/// input (N, C), (C) or 0-d (C = 1, a single sample); target int64 shaped
/// like a 2-d input, or with at most one dimension and C elements for a
/// 1-d/0-d input. A row's target classes are its entries before the first
/// −1 (a class listed twice counts twice); the non-targets are the classes
/// not listed. With z = 1 − x_j + x_k:
///
///     loss_i = Σ_{j listed} Σ_{k not listed} max(0, z) / C
///
/// (/C for every reduction). Output (N) for `none` with a 2-d input, 0-d
/// otherwise; `mean` divides by N. Every target entry, also after the first
/// −1, must lie in [−1, C) (`index_out_of_range`); C = 0 and other ranks
/// are `shape_mismatch`. Each active pair (z > 0; not the kink, not NaN)
/// adds −g/C to x_j and +g/C to x_k.
///
/// Empty batch (N = 0): PyTorch returns uninitialised memory for `mean` and
/// `sum`; LossCheck answers NaN and 0 (see docs/losses).
public struct MultiLabelMarginLoss: Sendable {
  public var reduction: Reduction

  public init(reduction: Reduction = .mean) {
    self.reduction = reduction
  }

  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input"]
  ) throws(LossError) -> LossValue<T> {
    let layout = try ClassScores(input.shape)
    let (rows, c) = (layout.rows, layout.classes)
    if layout.batched {
      guard target.shape == input.shape else {
        throw .shape("target: shape \(target.shape) does not match input shape \(input.shape)")
      }
    } else {
      guard target.rank <= 1, target.count == c else {
        throw .shape(
          "target: shape \(target.shape) does not match input shape \(input.shape) "
            + "(expected \(c) class entries in at most one dimension)")
      }
    }
    for v in target.scalars where v < -1 || v >= Int64(c) {
      throw .index("target: class index \(v) is out of range (expected -1 or a class in [0, \(c)))")
    }
    let x = input.scalars
    // Per row: the listed classes (with repeats) and a membership mask.
    var listed = [[Int]](repeating: [], count: rows)
    var values = [T](repeating: 0, count: rows)
    let scale = T(c)
    for i in 0..<rows {
      let base = i * c
      var isTarget = [Bool](repeating: false, count: c)
      for k in 0..<c {
        let v = target.scalars[base + k]
        if v == -1 { break }
        listed[i].append(Int(v))
        isTarget[Int(v)] = true
      }
      var terms: [T] = []
      for j in listed[i] {
        for k in 0..<c where !isTarget[k] {
          let z = 1 - x[base + j] + x[base + k]
          if hingeIsActive(z) { terms.append(z) }
        }
      }
      values[i] = accurateSum(terms) / scale
    }
    let outShape = layout.batched ? [rows] : []
    let output = reduction.apply(values, shape: outShape)
    var result = LossValue(value: output)
    guard wrt.contains("input") else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: rows)
    var dx = [T](repeating: 0, count: x.count)
    for i in 0..<rows {
      let base = i * c
      var isTarget = [Bool](repeating: false, count: c)
      for j in listed[i] { isTarget[j] = true }
      // Net count of active pairs each class sits in: +1 as k, −1 as j.
      var net = [Int](repeating: 0, count: c)
      for j in listed[i] {
        for k in 0..<c where !isTarget[k] {
          if hingeIsActive(1 - x[base + j] + x[base + k]) {
            net[k] += 1
            net[j] -= 1
          }
        }
      }
      let gi = g[i] / scale
      for k in 0..<c { dx[base + k] = T(net[k]) * gi }
    }
    result.gradients["input"] = try Tensor(shape: input.shape, scalars: dx)
    return result
  }
}
