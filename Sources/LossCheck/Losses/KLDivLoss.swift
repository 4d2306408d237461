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
public struct KLDivLoss: InputTargetLoss {
  /// How the pointwise terms are combined (`mean` by default);
  /// `batchmean` divides the sum by the input's first dimension.
  public var reduction: Reduction
  /// Whether the target holds log-probabilities.
  public var logTarget: Bool

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(reduction: Reduction = .mean, logTarget: Bool = false) {
    self.reduction = reduction
    self.logTarget = logTarget
  }

  /// The loss and the VJPs of `input` and `target` with `gradOutput`
  /// (ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
    wrt: GradientRequest = [.input, .target]
  ) throws(LossError) -> LossValue<T> {
    let shape = try Broadcast.shape(
      [input.shape, target.shape], names: ["input", "target"])
    let x = Broadcast.expand(input, to: shape)
    let t = Broadcast.expand(target, to: shape)
    let wantX = wrt.contains(.input)
    let wantT = wrt.contains(.target)
    if wantX || wantT {
      try checkGradOutput(
        gradOutput, outputShape: reduction == .none ? shape : [])
    }
    // One fused pass (Elementwise): values, their pairwise sum and the
    // requested gradients. `batchmean` is the sum with the cotangent and
    // the total divided by the batch size.
    let elementwise: Reduction
    var cotangent = gradOutput
    var divisor: T = 1
    switch reduction {
    case .none: elementwise = .none
    case .sum: elementwise = .sum
    case .mean: elementwise = .mean
    case .batchmean:
      elementwise = .sum
      divisor = input.rank == 0 ? 1 : T(input.shape[0])
      cotangent = Tensor((gradOutput?.scalars.first ?? 1) / divisor)
    }
    let kernel = KLDivKernel<T>(logTarget: logTarget)
    var (output, (dx, dt, _)) = Elementwise.evaluate(
      x, t, wanted: (wantX, wantT, false), shape: shape, reduction: elementwise,
      gradOutput: cotangent
    ) { b in
      kernel.block(
        b.count, x: b.a, t: b.b, values: b.values, cotangents: b.cotangents,
        dx: b.da, dt: b.db)
    }
    if divisor != 1 { output = Tensor(output.scalars[0] / divisor) }
    var result = LossValue(value: output)
    if let dx {
      result.gradients[.input] = Broadcast.sum(dx, from: shape, to: input.shape)
    }
    if let dt {
      result.gradients[.target] = Broadcast.sum(
        dt, from: shape, to: target.shape)
    }
    return result
  }
}

/// The pointwise KL divergence over one block, forward and backward
/// together (see ``KLDivLoss`` for the formulas and their edge cases).
struct KLDivKernel<T: LossScalar> {
  let logTarget: Bool

  /// Writes the values of `n` elements to `values[0...]` and, where
  /// non-nil, the gradients at `dx[i]` and `dt[i]`, scaled by
  /// `cotangents[i]`.
  @inline(__always)
  func block(
    _ n: Int, x: UnsafePointer<T>, t: UnsafePointer<T>,
    values v: UnsafeMutablePointer<T>, cotangents g: UnsafePointer<T>,
    dx: UnsafeMutablePointer<T>?, dt: UnsafeMutablePointer<T>?
  ) {
    // Sinks for gradients not asked for, so that the loops have no
    // optionals and vectorize.
    withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * n) { buffer in
      guard let sink = buffer.baseAddress else { return }
      let dx = dx ?? sink
      if dt == nil && !logTarget {
        // The usual request (the input's gradient only): no division for
        // the target's gradient, no stores to a sink.
        BlockMath.log(t, v, n)
        for i in 0..<n {
          let ti = t[i]
          dx[i] = -g[i] * ti
          v[i] = (ti == 0 ? 0 : ti * v[i]) - ti * x[i]
        }
        return
      }
      let dt = dt ?? sink + n
      if logTarget {
        // v ← eᵗ, then the value eᵗ·(t − x).
        BlockMath.exp(t, v, n)
        for i in 0..<n {
          let e = v[i]
          dx[i] = -g[i] * e
          dt[i] = g[i] * e * (t[i] - x[i] + 1)
          v[i] = e * (t[i] - x[i])
        }
      } else {
        // v ← log t, then the value xlogy(t, t) − t·x.
        BlockMath.log(t, v, n)
        for i in 0..<n {
          let ti = t[i]
          let logT = ti == 0 ? 0 : v[i]
          dx[i] = -g[i] * ti
          dt[i] = g[i] * (logT + ti / ti - x[i])
          v[i] = (ti == 0 ? 0 : ti * v[i]) - ti * x[i]
        }
      }
    }
  }
}
