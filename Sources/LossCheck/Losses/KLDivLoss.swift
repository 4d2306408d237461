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
    let denominator: T
    switch reduction {
    case .none, .sum: denominator = 1
    case .mean: denominator = T(n)
    case .batchmean: denominator = input.rank == 0 ? 1 : T(input.shape[0])
    }
    let wantX = wrt.contains("input")
    let wantT = wrt.contains("target")
    if wantX || wantT {
      try checkGradOutput(gradOutput, outputShape: reduction == .none ? shape : [])
    }
    // One pass: values, their block sums and the requested gradients.
    let uniform = (gradOutput?.scalars.first ?? 1) / denominator
    var values: [T] = reduction == .none ? FusedPass.uninitialized(count: n) : []
    var dx: [T] = wantX ? FusedPass.uninitialized(count: n) : []
    var dt: [T] = wantT ? FusedPass.uninitialized(count: n) : []
    let kernel = KLDivKernel(logTarget: logTarget, uniformCotangent: uniform)
    var total: T = 0
    x.withUnsafeBufferPointer { x in
      t.withUnsafeBufferPointer { t in
        values.withUnsafeMutableBufferPointer { values in
          dx.withUnsafeMutableBufferPointer { dx in
            dt.withUnsafeMutableBufferPointer { dt in
              let perElement = reduction == .none ? gradOutput?.scalars : nil
              perElement.withUnsafeOptionalBuffer { gp in
                total = FusedPass.sum(count: n, keep: values.nonEmptyBase) { range, v in
                  kernel.block(
                    range, x: x.baseAddress, t: t.baseAddress, values: v,
                    cotangents: gp, dx: dx.nonEmptyBase, dt: dt.nonEmptyBase)
                }
              }
            }
          }
        }
      }
    }
    let output =
      reduction == .none ? Tensor(unchecked: shape, values) : Tensor(total / denominator)
    var result = LossValue(value: output)
    guard wantX || wantT else { return result }
    if wrt.contains("input") {
      result.gradients["input"] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    if wrt.contains("target") {
      result.gradients["target"] = Broadcast.sum(dt, from: shape, to: target.shape)
    }
    return result
  }
}

/// The pointwise KL divergence over one block, forward and backward
/// together (see ``KLDivLoss`` for the formulas and their edge cases).
struct KLDivKernel<T: LossScalar> {
  let logTarget: Bool
  /// The cotangent of every element when there is no per-element one.
  let uniformCotangent: T

  /// Writes the values of `range` to `values[0...]` and, where non-nil,
  /// the gradients at `dx[i]` and `dt[i]`; `cotangents` (per element,
  /// for `none`) or else `uniformCotangent` scales them.
  @inline(__always)
  func block(
    _ range: Range<Int>, x: UnsafePointer<T>?, t: UnsafePointer<T>?,
    values v: UnsafeMutablePointer<T>, cotangents gp: UnsafePointer<T>?,
    dx: UnsafeMutablePointer<T>?, dt: UnsafeMutablePointer<T>?
  ) {
    guard let x = x.map({ $0 + range.lowerBound }),
      let t = t.map({ $0 + range.lowerBound })
    else { return }
    let n = range.count
    // Scratch: the cotangents and sinks for gradients not asked for, so
    // that the loops have no optionals and vectorize.
    withUnsafeTemporaryAllocation(of: T.self, capacity: 3 * n) { buffer in
      guard let gb = buffer.baseAddress else { return }
      let lo = range.lowerBound
      let dx = dx.map { $0 + lo } ?? gb + n
      if let gp { gb.update(from: gp + lo, count: n) } else { gb.update(repeating: uniformCotangent, count: n) }
      if dt == nil && !logTarget {
        // The usual request (the input's gradient only): no division for
        // the target's gradient, no stores to a sink.
        BlockMath.log(t, v, n)
        for i in 0..<n {
          let ti = t[i]
          dx[i] = -gb[i] * ti
          v[i] = (ti == 0 ? 0 : ti * v[i]) - ti * x[i]
        }
        return
      }
      let dt = dt.map { $0 + lo } ?? gb + 2 * n
      if logTarget {
        // v ← eᵗ, then the value eᵗ·(t − x).
        BlockMath.exp(t, v, n)
        for i in 0..<n {
          let e = v[i]
          let g = gb[i]
          dx[i] = -g * e
          dt[i] = g * e * (t[i] - x[i] + 1)
          v[i] = e * (t[i] - x[i])
        }
      } else {
        // v ← log t, then the value xlogy(t, t) − t·x.
        BlockMath.log(t, v, n)
        for i in 0..<n {
          let ti = t[i]
          let logT = ti == 0 ? 0 : v[i]
          let g = gb[i]
          dx[i] = -g * ti
          dt[i] = g * (logT + ti / ti - x[i])
          v[i] = (ti == 0 ? 0 : ti * v[i]) - ti * x[i]
        }
      }
    }
  }
}

extension Optional {
  /// The elements' base address (nil for nil or an empty array).
  @inlinable
  func withUnsafeOptionalBuffer<T, R>(
    _ body: (UnsafePointer<T>?) throws -> R
  ) rethrows -> R where Wrapped == [T] {
    guard let array = self else { return try body(nil) }
    return try array.withUnsafeBufferPointer { try body($0.baseAddress) }
  }
}
