/// `torch.nn.KLDivLoss`: the pointwise Kullback–Leibler divergence, with
/// the input x holding log-probabilities.
///
/// - `logTarget == false`: t·log t − t·x, where t·log t is 0 at t = 0
///   (xlogy); t < 0 gives NaN, and t = 0 with x = −inf gives NaN (0·∞).
///   d/dx = −t; d/dt = log t + t/t − x (PyTorch's xlogy backward: NaN at
///   t = 0 and t = +inf, where t/t is NaN).
/// - `logTarget == true`: eᵗ·(t − x); d/dx = −eᵗ; d/dt = eᵗ·(t − x) + eᵗ.
///
/// Input and target broadcast both ways (silently). `mean` divides the sum
/// by the element count of the broadcast output; `batchmean` divides by
/// input.size(0) (whatever the broadcast did), and is the plain sum for a
/// 0-d input. `mean`/`batchmean` over zero elements give NaN.
public struct KLDivLoss: Sendable {
  /// KLDivLoss's reductions: the usual three and `batchmean`.
  public enum Reduction: String, Sendable, CaseIterable {
    case none, mean, sum, batchmean

    /// Parses `reduction` with PyTorch's deprecated `size_average` and
    /// `reduce` (which, when given, decide alone) and the
    /// `elementwise_mean` alias of `mean`.
    public init(
      parsing name: String, sizeAverage: Bool? = nil, reduce: Bool? = nil
    ) throws(LossError) {
      if name == "batchmean" && sizeAverage == nil && reduce == nil {
        self = .batchmean
        return
      }
      do {
        let r = try LossCheck.Reduction(
          parsing: name, sizeAverage: sizeAverage, reduce: reduce)
        self = Reduction(rawValue: r.rawValue) ?? .mean
      } catch {
        throw .option(
          "reduction: '\(name)' is not a valid value (expected none, mean, sum or batchmean)")
      }
    }
  }

  public var reduction: Reduction
  public var logTarget: Bool

  public init(reduction: Reduction = .mean, logTarget: Bool = false) {
    self.reduction = reduction
    self.logTarget = logTarget
  }

  public func callAsFunction<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input, target, wrt: .none).value
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported: true, where T == Float)
  @_specialize(exported: true, where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = ["input", "target"]
  ) throws(LossError) -> LossValue<T> {
    let shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    let x = Broadcast.expand(input, to: shape)
    let t = Broadcast.expand(target, to: shape)
    let n = x.count
    var values = [T](repeating: 0, count: n)
    for i in 0..<n {
      if logTarget {
        values[i] = T.exp(t[i]) * (t[i] - x[i])
      } else {
        // xlogy(t, t): exactly 0 at t == 0 (also when x is finite).
        let entropy = t[i] == 0 ? 0 : t[i] * T.log(t[i])
        values[i] = entropy - t[i] * x[i]
      }
    }
    let denominator: T
    switch reduction {
    case .none, .sum: denominator = 1
    case .mean: denominator = T(n)
    case .batchmean: denominator = input.rank == 0 ? 1 : T(input.shape[0])
    }
    let output =
      reduction == .none
      ? Tensor(unchecked: shape, values) : Tensor(accurateSum(values) / denominator)
    var result = LossValue(value: output)
    guard wrt.contains("input") || wrt.contains("target") else { return result }
    try checkGradOutput(gradOutput, outputShape: output.shape)
    var dx = [T](repeating: 0, count: n)
    var dt = [T](repeating: 0, count: n)
    for i in 0..<n {
      let g =
        reduction == .none
        ? (gradOutput?.scalars[i] ?? 1) : (gradOutput?.scalars[0] ?? 1) / denominator
      if logTarget {
        let e = T.exp(t[i])
        dx[i] = -g * e
        dt[i] = g * e * (t[i] - x[i] + 1)
      } else {
        dx[i] = -g * t[i]
        let logT = t[i] == 0 ? 0 : T.log(t[i])
        dt[i] = g * (logT + t[i] / t[i] - x[i])
      }
    }
    if wrt.contains("input") {
      result.gradients["input"] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    if wrt.contains("target") {
      result.gradients["target"] = Broadcast.sum(dt, from: shape, to: target.shape)
    }
    return result
  }
}
