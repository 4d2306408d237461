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
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(reduction: Reduction = .mean) {
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
  ///   target not shaped like the input; `index_out_of_range` for a target
  ///   outside [-1, C).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<Int64>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("MultiLabelMarginLoss")
    let layout = try ClassScores(input.shape)
    let (rows, c) = (layout.rows, layout.classes)
    if layout.batched {
      guard target.shape == input.shape else {
        throw .shape(
          "target: shape \(target.shape) does not match input shape \(input.shape)"
        )
      }
    } else {
      guard target.rank <= 1, target.count == c else {
        throw .shape(
          "target: shape \(target.shape) does not match input shape \(input.shape) "
            + "(expected \(c) class entries in at most one dimension)")
      }
    }
    for v in target.scalars where v < -1 || v >= Int64(c) {
      throw .index(
        "target: class index \(v) is out of range (expected -1 or a class in [0, \(c)))"
      )
    }
    let outShape = layout.batched ? [rows] : []
    let wantX = wrt.contains(.input)
    if wantX {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let scale = T(c)
    var dx: [T] = wantX ? FusedPass.uninitialized(count: input.count) : []
    var output = Tensor<T>(0)
    input.scalars.withUnsafeBufferPointer { x in
      target.scalars.withUnsafeBufferPointer { targets in
        dx.withUnsafeMutableBufferPointer { dx in
          let dxBase = dx.nonEmptyBase
          output = reduction.evaluate(
            count: rows, shape: outShape,
            gradOutput: wantX ? gradOutput : nil, width: c
          ) { start, count, values, g in
            guard let x = x.baseAddress, let targets = targets.baseAddress
            else {
              // No classes: no pairs, every row's loss is 0.
              values.initialize(repeating: 0, count: count)
              return
            }
            // Per block: the active terms of one listed class (c), the
            // per-listed-class sums (c), and two Int32 rows, the
            // non-target bitmap and the net active-pair count per class.
            withUnsafeTemporaryAllocation(of: T.self, capacity: max(1, 2 * c)) {
              scratch in
              withUnsafeTemporaryAllocation(
                of: Int32.self, capacity: max(1, 2 * c)
              ) {
                ints in
                guard let scratch = scratch.baseAddress,
                  let nonTarget = ints.baseAddress
                else { return }
                let net = nonTarget + c
                for k in 0..<count {
                  let i = start + k
                  values[k] =
                    MultiLabelMarginKernel.row(
                      x + i * c, targets + i * c, classes: c,
                      terms: scratch, sums: scratch + c,
                      nonTarget: nonTarget, net: net)
                    / scale
                  guard let dxRow = dxBase.map({ $0 + i * c }) else { continue }
                  let gi = g[k] / scale
                  for j in 0..<c { dxRow[j] = T(net[j]) * gi }
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

/// MultiLabelMarginLoss for one row, forward and backward together.
enum MultiLabelMarginKernel {
  /// Returns Σ_{j listed} Σ_{k not listed} max(0, 1 − x_j + x_k) (not yet
  /// divided by C) and leaves in `net[k]` the net count of active pairs
  /// class k sits in (+1 as k, −1 as j), the gradient's multiplier.
  ///
  /// Membership is a bitmap (`nonTarget`, 1 for classes not listed), so
  /// the inner loop over k is branch-free and vectorizable; its active
  /// terms go to `terms` and are summed per listed class into `sums`,
  /// which are then summed pairwise.
  @inline(__always)
  static func row<T: LossScalar>(
    _ x: UnsafePointer<T>, _ target: UnsafePointer<Int64>, classes c: Int,
    terms: UnsafeMutablePointer<T>, sums: UnsafeMutablePointer<T>,
    nonTarget: UnsafeMutablePointer<Int32>, net: UnsafeMutablePointer<Int32>
  ) -> T {
    nonTarget.update(repeating: 1, count: c)
    net.update(repeating: 0, count: c)
    var listed = 0
    while listed < c, target[listed] != -1 {
      nonTarget[Int(target[listed])] = 0
      listed += 1
    }
    for n in 0..<listed {
      let j = Int(target[n])
      let oneMinusXj = 1 - x[j]
      var count: Int32 = 0
      for k in 0..<c {
        let z = oneMinusXj + x[k]
        let active: Int32 = (hingeIsActive(z) ? 1 : 0) & nonTarget[k]
        terms[k] = active != 0 ? z : 0
        net[k] &+= active
        count &+= active
      }
      net[j] &-= count
      sums[n] = Summation.lanes(terms, c)
    }
    return Summation.pairwise(UnsafeBufferPointer(start: sums, count: listed))
  }
}
