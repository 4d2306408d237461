/// `torch.nn.MultiMarginLoss`: the multi-class hinge of a score vector
/// against its target class y.
///
/// input (N, C), (C) or 0-d (C = 1); target int64 with N elements in at
/// most one dimension. With z_j = margin − x_y + x_j:
///
///     loss_i = Σ_{j ≠ y} w[y] · max(0, z_j)^p / C,   p ∈ {1, 2}
///
/// `mean` divides by N (not by the weights). `none` gives (N) when the
/// target has a dimension and 0-d when it is 0-d (PyTorch's rule: a (1, C)
/// input with a 0-d target gives 0-d, a (C) input with a (1) target (1)).
/// `weight` must be 1-d with C elements; only w[y] of active hinges is
/// read. The gradient of x_j (j ≠ y) is g·w[y]·p·z_j^(p−1)/C where z_j > 0
/// (0 at the kink z_j == 0 and at NaN); x_y gets minus their sum.
/// p ∉ {1, 2} is `invalid_option`; a class outside [0, C)
/// `index_out_of_range`.
///
/// Empty batch (N = 0): PyTorch returns uninitialised memory for `mean` and
/// `sum`; LossCheck answers NaN and 0 (see docs/losses).
public struct MultiMarginLoss<Scalar: LossScalar>: Sendable {
  public var p: Int
  public var margin: Double
  public var weight: Tensor<Scalar>?
  public var reduction: Reduction

  public init(
    p: Int = 1, margin: Double = 1, weight: Tensor<Scalar>? = nil,
    reduction: Reduction = .mean
  ) {
    self.p = p
    self.margin = margin
    self.weight = weight
    self.reduction = reduction
  }

  public func callAsFunction(
    _ input: Tensor<Scalar>, _ target: Tensor<Int64>
  ) throws(LossError) -> Tensor<Scalar> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  @_specialize(exported: true, where Scalar == Float)
  @_specialize(exported: true, where Scalar == Double)
  public func valueWithGradient(
    _ input: Tensor<Scalar>, _ target: Tensor<Int64>,
    gradOutput: Tensor<Scalar>? = nil, wrt: GradientRequest = ["input"]
  ) throws(LossError) -> LossValue<Scalar> {
    typealias T = Scalar
    guard p == 1 || p == 2 else {
      throw .option("p: \(p) is not supported (expected 1 or 2)")
    }
    if let weight, weight.rank != 1 {
      throw .shape("weight: expected a 1-d tensor, got shape \(weight.shape)")
    }
    let layout = try ClassScores(input.shape)
    let (rows, c) = (layout.rows, layout.classes)
    guard target.rank <= 1, target.count == rows else {
      throw .shape(
        "target: shape \(target.shape) does not fit input shape \(input.shape) "
          + "(expected \(rows) class indices in at most one dimension)")
    }
    if let weight, weight.count != c {
      throw .shape("weight: \(weight.count) elements, expected C = \(c)")
    }
    for v in target.scalars where v < 0 || v >= Int64(c) {
      throw .index("target: class index \(v) is out of range (expected [0, \(c)))")
    }
    let x = input.scalars
    let m = T(margin)
    let scale = T(c)
    var values = [T](repeating: 0, count: rows)
    for i in 0..<rows {
      let base = i * c
      let y = Int(target.scalars[i])
      let wy = weight?.scalars[y] ?? 1
      let xy = x[base + y]
      var terms: [T] = []
      for j in 0..<c where j != y {
        let z = m - xy + x[base + j]
        guard hingeIsActive(z) else { continue }
        terms.append((p == 1 ? z : z * z) * wy)
      }
      values[i] = accurateSum(terms) / scale
    }
    let outShape = target.rank == 0 ? [] : [rows]
    let output = reduction.apply(values, shape: outShape)
    var result = LossValue(value: output)
    guard wrt.contains("input") else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    let g = ElementCotangent(gradOutput, reduction: reduction, count: rows)
    var dx = [T](repeating: 0, count: x.count)
    for i in 0..<rows {
      let base = i * c
      let y = Int(target.scalars[i])
      let wy = weight?.scalars[y] ?? 1
      let gi = g[i] * wy / scale
      let xy = x[base + y]
      var toTarget: [T] = []
      for j in 0..<c where j != y {
        let z = m - xy + x[base + j]
        guard hingeIsActive(z) else { continue }
        let dj = p == 1 ? gi : 2 * z * gi
        dx[base + j] = dj
        toTarget.append(dj)
      }
      dx[base + y] = -accurateSum(toTarget)
    }
    result.gradients["input"] = try Tensor(shape: input.shape, scalars: dx)
    return result
  }
}
