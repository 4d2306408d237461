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
public struct MultiMarginLoss: Sendable {
  /// The hinge's power: 1 or 2 (an integer, as in PyTorch); another
  /// value is `invalid_option`.
  public var p: Int
  /// The margin (PyTorch's `margin`), a hyper-parameter in `Double`.
  public var margin: Double
  /// Class weights (C elements), or nil.
  ///
  /// `Double` whatever the computation's type (rounded to it on each call),
  /// like every weight option of the library.
  public var weight: Tensor<Double>?
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    p: Int = 1, margin: Double = 1, weight: Tensor<Double>? = nil,
    reduction: Reduction = .mean
  ) {
    self.p = p
    self.margin = margin
    self.weight = weight
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

  /// The loss and, as `wrt` asks, the gradients of `input` (the target holds
  /// class indices): vector–Jacobian products with `gradOutput` (0-d for a
  /// reduced output, the output's shape for `none`; ones when nil). Arguments
  /// `wrt` names that the loss does not differentiate get no gradient.
  ///
  /// - Throws: `invalid_option` for `batchmean` or a bad option;
  ///   `shape_mismatch` for a `gradOutput` not shaped like the output or a
  ///   target or `weight` that does not fit the input; `index_out_of_range` for
  ///   a class outside [0, C).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>,
    gradOutput: Tensor<T>? = nil, wrt: GradientRequest = [.input]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("MultiMarginLoss")
    let weight = self.weight?.converted(to: T.self)
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
      throw .index(
        "target: class index \(v) is out of range (expected [0, \(c)))")
    }
    let outShape = target.rank == 0 ? [] : [rows]
    let wantX = wrt.contains(.input)
    if wantX {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let m = T(margin)
    let scale = T(c)
    let squared = p == 2
    var dx: [T] = wantX ? FusedPass.uninitialized(count: input.count) : []
    var output = Tensor<T>(0)
    // One pass per row: the hinge terms into scratch, the gradient row
    // written directly, then their sums.
    input.scalars.withUnsafeBufferPointer { x in
      target.scalars.withUnsafeBufferPointer { targets in
        dx.withUnsafeMutableBufferPointer { dx in
          let dxBase = dx.nonEmptyBase
          output = reduction.evaluate(
            count: rows, shape: outShape,
            gradOutput: wantX ? gradOutput : nil, width: c
          ) { start, count, values, g in
            // Rows of no classes were refused (every target out of range).
            guard let x = x.baseAddress, let targets = targets.baseAddress
            else { return values.initialize(repeating: 0, count: count) }
            withUnsafeTemporaryAllocation(of: T.self, capacity: max(1, c)) {
              terms in
              guard let terms = terms.baseAddress else { return }
              for k in 0..<count {
                let i = start + k
                let base = i * c
                let y = Int(targets[i])
                let wy = weight?.scalars[y] ?? 1
                let gi = wantX ? g[k] * wy / scale : 0
                let row = x + base
                let shift = m - row[y]
                let drow = dxBase.map { $0 + base }
                for j in 0..<c {
                  let z = shift + row[j]
                  let active = hingeIsActive(z) && j != y
                  terms[j] = active ? (squared ? z * z : z) * wy : 0
                  drow?[j] = active ? (squared ? 2 * z * gi : gi) : 0
                }
                values[k] = Summation.lanes(terms, c) / scale
                if let drow {
                  drow[y] = -Summation.lanes(UnsafePointer(drow), c)
                }
              }
            }
          }
        }
      }
    }
    var result = LossValue(value: output)
    guard wantX else { return result }
    result.gradients[.input] = try Tensor(shape: input.shape, scalars: dx)
    return result
  }
}
