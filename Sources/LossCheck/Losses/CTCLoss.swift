/// `torch.nn.CTCLoss`: connectionist temporal classification (Graves et al.
/// 2006).
///
/// **Shapes.** `logProbs` is (T, N, C) or unbatched (T, C); it is neither
/// normalised nor checked. `targets` is padded (N, S), with sample b's labels
/// in the first `targetLengths[b]` entries of its row (the rest is never
/// read), or concatenated 1-d of Σ target_lengths labels. An unbatched call
/// takes 1-d targets of exactly its target length (PyTorch reads them as
/// concatenated) or a (1, S) row. `inputLengths` and `targetLengths` hold N
/// integers each, in any shape (PyTorch flattens them; 0-d or (1) when
/// unbatched).
///
/// **Loss.** With y' = (blank, y1, blank, …, yS, blank) the blank-extended
/// target (2S + 1 states), a path of I = inputLengths[b] frames starts in
/// state 0 or 1, ends in state 2S or 2S − 1, and moves by 0 or 1 state per
/// frame, or by 2 over a blank whose neighbours differ. loss_b = −log Σ over
/// paths of Π_t exp(logProbs[t, b, y'[s_t]]). A label equal to `blank` is an
/// ordinary symbol of y', as in PyTorch. An empty target gives
/// −Σ_{t<I} logProbs[t, b, blank] (0 when I = 0). Too few frames for the
/// labels and the blanks between repeats gives +inf (0 with `zeroInfinity`).
///
/// **Reductions.** `none`: (N), or 0-d unbatched. `sum`: Σ loss_b. `mean`:
/// mean over all N of loss_b / max(targetLengths[b], 1) (samples zeroed by
/// `zeroInfinity` still count).
///
/// **Gradient.** PyTorch's, not the plain partial derivative. For t < I:
///
///     grad[t, b, c] = (exp(logProbs[t, b, c]) − γ_t(c)) · g_b
///
/// with γ_t(c) the posterior probability that frame t emits c; the plain
/// partial is −γ_t(c)·g_b. The extra exp(logProbs) is Graves' eq. 16, the
/// gradient with respect to the activations before a softmax, which is what
/// PyTorch's kernel computes. Through `log_softmax` both give the same
/// logits gradient, because log_softmax's backward maps every multiple of
/// softmax(x) = exp(logProbs) to zero. g_b is gradOutput[b] (`none`),
/// gradOutput (`sum`) or gradOutput / N / max(targetLengths[b], 1) (`mean`).
/// Frames t ≥ I get 0. Matching PyTorch's CPU kernel exactly also means:
/// - an infeasible sample (loss +inf) gets NaN in every frame t < I, and 0
///   everywhere with `zeroInfinity`;
/// - a logProbs entry of −inf in a frame t < I gets NaN (PyTorch evaluates
///   exp(−inf − (−inf)));
/// - when the last label equals `blank`, the last frame's γ(blank) counts
///   only the last label's state, not the final blank state (PyTorch assigns
///   one over the other instead of adding them).
///
/// **Refusals** (in PyTorch's order): logProbs not 2-d or 3-d, or empty
/// (`shapeMismatch`); targets not 1-d or 2-d (`shapeMismatch`); blank
/// outside [0, C) (`invalidOption`); a length count ≠ N (`shapeMismatch`);
/// a negative target length (`valueOutOfDomain`); Σ target lengths ≠
/// targets.count, padded rows ≠ N, a target length > S (`shapeMismatch`);
/// an input length < 0 or > T (`valueOutOfDomain`); and, stricter than
/// PyTorch CPU (which reads out of bounds), a label outside [0, C)
/// (`indexOutOfRange`).
///
/// **Numerics.** Log-space alpha/beta recursions; each frame's row is
/// shifted by its maximum, the shifts accumulate in Double, and within a
/// frame the three predecessors are summed as exponentials of values ≤ 0
/// (falling back to a max-shifted log-sum-exp when that sum is tiny). Float
/// stays accurate over thousands of frames.
public struct CTCLoss: Sendable {
  /// The blank class, in [0, C); another value is `invalid_option`.
  public var blank: Int
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// Whether an infeasible sample's infinite loss (and its gradient) is
  /// replaced by 0.
  public var zeroInfinity: Bool

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(
    blank: Int = 0, reduction: Reduction = .mean, zeroInfinity: Bool = false
  ) {
    self.blank = blank
    self.reduction = reduction
    self.zeroInfinity = zeroInfinity
  }

  /// The loss.
  public func callAsFunction<T: LossScalar>(
    _ logProbs: Tensor<T>, _ targets: Tensor<Int64>,
    inputLengths: Tensor<Int64>, targetLengths: Tensor<Int64>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(
      logProbs, targets, inputLengths: inputLengths,
      targetLengths: targetLengths,
      wrt: .none
    ).value
  }

  /// The loss and PyTorch's gradient of `logProbs` (a VJP with `gradOutput`,
  /// ones when nil; shaped like the output).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ logProbs: Tensor<T>, _ targets: Tensor<Int64>,
    inputLengths: Tensor<Int64>, targetLengths: Tensor<Int64>,
    gradOutput: Tensor<T>? = nil, wrt: GradientRequest = [.logProbs]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("CTCLoss")
    let layout = try CTCLayout(
      logProbsShape: logProbs.shape, targets: targets,
      inputLengths: inputLengths,
      targetLengths: targetLengths, blank: blank)
    let outputShape: [Int] =
      reduction == .none ? (layout.batched ? [layout.N] : []) : []
    let wantGrad = wrt.contains(.logProbs)
    if wantGrad { try checkGradOutput(gradOutput, outputShape: outputShape) }
    // Run the kernel on the concrete type, so that it is specialised.
    if let lp = logProbs as? Tensor<Float> {
      let g = gradOutput.flatMap { $0 as? Tensor<Float> }
      let r = run(lp, layout, g, wantGrad, outputShape)
      if let r = r as? LossValue<T> { return r }
    } else if let lp = logProbs as? Tensor<Double> {
      let g = gradOutput.flatMap { $0 as? Tensor<Double> }
      let r = run(lp, layout, g, wantGrad, outputShape)
      if let r = r as? LossValue<T> { return r }
    }
    // LossScalar is Float or Double in this library; another conforming type
    // has no kernel.
    throw LossError(
      .dtypeMismatch, "CTCLoss: computes in Float or Double, not \(T.self)")
  }

  func run<T: CTCScalar>(
    _ logProbs: Tensor<T>, _ layout: CTCLayout, _ gradOutput: Tensor<T>?,
    _ wantGrad: Bool, _ outputShape: [Int]
  ) -> LossValue<T> {
    let N = layout.N
    var nll = [Double](repeating: 0, count: N)
    // Frames t ≥ input length keep their zeros.
    var grad = wantGrad ? [T](repeating: 0, count: logProbs.count) : []
    // The cotangent of each sample's loss.
    var gb = [T](repeating: 0, count: N)
    if wantGrad {
      for b in 0..<N {
        let g = gradOutput?.scalars[reduction == .none ? b : 0] ?? 1
        switch reduction {
        case .none, .sum: gb[b] = g
        case .mean, .batchmean:
          gb[b] = g / T(N) / T(max(layout.targetLengths[b], 1))
        }
      }
    }
    let (blank, zeroInfinity) = (self.blank, self.zeroInfinity)
    logProbs.scalars.withUnsafeBufferPointer { lp in
      grad.withUnsafeMutableBufferPointer { gp in
        nll.withUnsafeMutableBufferPointer { nll in
          // Samples are independent (each writes its own gradient rows and
          // loss), so they are split across threads; one kernel per chunk.
          _ = Parallelism.forEachChunk(N, minimumChunk: 1) { _, samples in
            let kernel = CTCKernel<T>(
              layout: layout, blank: blank, storeAlphas: wantGrad)
            for b in samples {
              nll[b] = kernel.sample(
                b, lp: lp, grad: wantGrad ? gp : nil, gradScale: gb[b],
                zeroInfinity: zeroInfinity)
            }
          }
        }
      }
    }
    var values = [T](repeating: 0, count: N)
    for b in 0..<N {
      let v = T(nll[b])
      values[b] = zeroInfinity && v == .infinity ? 0 : v
    }
    let output: Tensor<T>
    switch reduction {
    case .none: output = Tensor(unchecked: outputShape, values)
    case .sum: output = Tensor(Summation.pairwise(values))
    case .mean, .batchmean:
      let scaled = (0..<N).map {
        values[$0] / T(max(layout.targetLengths[$0], 1))
      }
      output = Tensor(Summation.pairwise(scaled) / T(N))
    }
    var result = LossValue(value: output)
    if wantGrad {
      result.gradients[.logProbs] = Tensor(unchecked: logProbs.shape, grad)
    }
    return result
  }
}

/// The checked arguments of a CTC call.
@usableFromInline
struct CTCLayout: Sendable {
  var batched: Bool
  var T: Int
  var N: Int
  var C: Int
  var inputLengths: [Int]
  var targetLengths: [Int]
  /// Sample b's labels are labels[labelStart[b] ..< labelStart[b] + targetLengths[b]].
  var labelStart: [Int]
  var labels: [Int]

  init(
    logProbsShape shape: [Int], targets: Tensor<Int64>,
    inputLengths: Tensor<Int64>,
    targetLengths: Tensor<Int64>, blank: Int
  ) throws(LossError) {
    guard shape.count == 2 || shape.count == 3 else {
      throw .shape(
        "log_probs: shape \(shape) has \(shape.count) dimensions, expected (T, N, C) or (T, C)"
      )
    }
    batched = shape.count == 3
    T = shape[0]
    N = batched ? shape[1] : 1
    C = shape[shape.count - 1]
    guard T > 0, N > 0, C > 0 else {
      throw .shape(
        "log_probs: shape \(shape) is empty (T, N and C must be positive)")
    }
    guard targets.rank == 1 || targets.rank == 2 else {
      throw .shape(
        "targets: shape \(targets.shape) has \(targets.rank) dimensions, expected (N, S) or (sum of target_lengths)"
      )
    }
    guard blank >= 0, blank < C else {
      throw .option("blank: \(blank) is outside [0, \(C)) (C = \(C) classes)")
    }
    guard inputLengths.count == N else {
      throw .shape(
        "input_lengths: \(inputLengths.count) values for a batch of N = \(N)")
    }
    guard targetLengths.count == N else {
      throw .shape(
        "target_lengths: \(targetLengths.count) values for a batch of N = \(N)")
    }
    for (b, n) in targetLengths.scalars.enumerated() where n < 0 {
      throw .domain("target_lengths[\(b)]: \(n) is negative")
    }
    var tl: [Int] = []
    var start: [Int] = []
    // The labels each sample reads (padding beyond its length is never read).
    var used: [Int64] = []
    if targets.rank == 1 {
      var total: Int64 = 0
      for n in targetLengths.scalars {
        let (s, overflow) = total.addingReportingOverflow(n)
        guard !overflow else {
          throw .shape(
            "target_lengths: the lengths add up to more than \(Int64.max)")
        }
        total = s
      }
      guard total == Int64(targets.count) else {
        throw .shape(
          "targets: concatenated targets have \(targets.count) labels, the target_lengths add up to \(total)"
        )
      }
      var pos = 0
      for n in targetLengths.scalars {
        tl.append(Int(n))
        start.append(pos)
        pos += Int(n)
      }
      used = targets.scalars
    } else {
      guard targets.shape[0] == N else {
        throw .shape(
          "targets: \(targets.shape[0]) rows for a batch of N = \(N)")
      }
      let S = targets.shape[1]
      for (b, n) in targetLengths.scalars.enumerated() where n > Int64(S) {
        throw .shape(
          "target_lengths[\(b)]: \(n) exceeds the padded target width S = \(S)")
      }
      for b in 0..<N {
        let n = Int(targetLengths.scalars[b])
        tl.append(n)
        start.append(used.count)
        used.append(contentsOf: targets.scalars[(b * S)..<(b * S + n)])
      }
    }
    var il: [Int] = []
    for (b, n) in inputLengths.scalars.enumerated() {
      guard n >= 0 else {
        throw .domain("input_lengths[\(b)]: \(n) is negative")
      }
      guard n <= Int64(T) else {
        throw .domain("input_lengths[\(b)]: \(n) exceeds T = \(T)")
      }
      il.append(Int(n))
    }
    // Stricter than PyTorch CPU, which does not check and reads out of bounds.
    for b in 0..<N {
      for k in 0..<tl[b] {
        let y = used[start[b] + k]
        guard y >= 0, y < Int64(C) else {
          throw .index(
            "targets: label \(y) (sample \(b), position \(k)) is outside [0, \(C)); PyTorch CPU does not check labels and reads out of bounds"
          )
        }
      }
    }
    self.inputLengths = il
    self.targetLengths = tl
    self.labelStart = start
    self.labels = used.map { Int($0) }
  }
}

/// One sample's forward and backward recursions over scratch buffers it
/// owns (allocated once per call and thread, reused for every sample).
///
/// The recursions run in log space over the L = 2S + 1 states of a frame;
/// the exponentials and logarithms of a frame are computed a vector of
/// states at a time (`VectorMath`, through ``CTCScalar``), and a state whose
/// sum of predecessors is tiny (or not a number) takes the max-shifted
/// log-sum-exp of its predecessors instead. Samples run independently, so a
/// call splits them across threads, one kernel per thread.
final class CTCKernel<T: CTCScalar> {
  let layout: CTCLayout
  let blank: Int
  let storeAlphas: Bool
  /// Extended labels y' of the current sample.
  let ext: UnsafeMutablePointer<Int>
  /// skip[s]: 1 where state s may be entered from s − 2, else 0;
  /// skipNext[s] = skip[s + 2] (0 past the end), for the backward sums.
  let skip: UnsafeMutablePointer<T>
  let skipNext: UnsafeMutablePointer<T>
  /// Alpha rows (all frames when the gradient is wanted, else two).
  let alpha: UnsafeMutablePointer<T>
  /// The emissions logProbs[t, b, y'[s]] of every frame, shifted by
  /// emOff[t] (the frame's largest); offA[t] is alpha's shift.
  let emit: UnsafeMutablePointer<T>
  let offA: UnsafeMutablePointer<Double>
  let emOff: UnsafeMutablePointer<Double>
  /// A row shifted by its maximum (`shifted`, padded with −inf) and its
  /// exponentials (`lin`, padded with 0): two padding elements before the
  /// row in the forward pass, after it in the backward pass.
  let shifted: UnsafeMutablePointer<T>
  let lin: UnsafeMutablePointer<T>
  let betaCur: UnsafeMutablePointer<T>
  let betaNext: UnsafeMutablePointer<T>
  /// Per-state scratch: log beta' plus emission, then the occupancies.
  let work: UnsafeMutablePointer<T>

  init(layout: CTCLayout, blank: Int, storeAlphas: Bool) {
    self.layout = layout
    self.blank = blank
    self.storeAlphas = storeAlphas
    let maxL = 2 * (layout.targetLengths.max() ?? 0) + 1
    let maxI = max(layout.inputLengths.max() ?? 0, 1)
    func buffer<U>(_ count: Int, _ value: U) -> UnsafeMutablePointer<U> {
      let p = UnsafeMutablePointer<U>.allocate(capacity: count)
      p.initialize(repeating: value, count: count)
      return p
    }
    ext = buffer(maxL, 0)
    skip = buffer(maxL, 0)
    skipNext = buffer(maxL, 0)
    alpha = buffer((storeAlphas ? maxI : 2) * maxL, 0)
    emit = buffer(maxI * maxL, 0)
    offA = buffer(maxI, 0)
    emOff = buffer(maxI, 0)
    shifted = buffer(maxL + 2, 0)
    lin = buffer(maxL + 2, 0)
    betaCur = buffer(maxL, 0)
    betaNext = buffer(maxL, 0)
    work = buffer(maxL, 0)
  }

  deinit {
    ext.deallocate()
    skip.deallocate()
    skipNext.deallocate()
    alpha.deallocate()
    emit.deallocate()
    offA.deallocate()
    emOff.deallocate()
    shifted.deallocate()
    lin.deallocate()
    betaCur.deallocate()
    betaNext.deallocate()
    work.deallocate()
  }

  /// Below this a sum of exponentials is recomputed with a max shift.
  static var tiny: T { T.leastNormalMagnitude / T.ulpOfOne }

  /// Computes sample b's −log-likelihood (as Double) and, when `grad` is
  /// given, writes its gradient rows (times `gradScale`).
  func sample(
    _ b: Int, lp: UnsafeBufferPointer<T>, grad: UnsafeMutableBufferPointer<T>?,
    gradScale: T, zeroInfinity: Bool
  ) -> Double {
    let I = layout.inputLengths[b]
    let S = layout.targetLengths[b]
    let C = layout.C
    let rowStride = layout.N * C
    let base = b * C
    let L = 2 * S + 1
    if I == 0 {
      // No frames: likelihood 1 for an empty target, else 0; no gradient rows.
      return S == 0 ? -0.0 : .infinity
    }
    // logProbs is not empty (checked), so it has storage.
    guard let lpB = lp.baseAddress else { return .nan }
    let start = layout.labelStart[b]
    for s in 0..<L {
      ext[s] = s & 1 == 0 ? blank : layout.labels[start + s / 2]
      skip[s] = (s & 1 == 1 && s >= 3 && ext[s] != ext[s - 2]) ? 1 : 0
    }
    for s in 0..<L { skipNext[s] = s + 2 < L ? skip[s + 2] : 0 }
    // Emissions, gathered once per frame and shifted by the frame's largest
    // (kept in Double), so that the stored values stay small and round finely.
    for t in 0..<I {
      let row = lpB + (t * rowStride + base)
      let e = emit + t * L
      var em = row[ext[0]]
      for s in 0..<L {
        e[s] = row[ext[s]]
        if e[s] > em { em = e[s] }
      }
      if !em.isFinite { em = 0 }
      for s in 0..<L { e[s] -= em }
      emOff[t] = Double(em)
    }
    let nll = forward(I: I, L: L)
    guard let grad, let grB = grad.baseAddress else { return nll }
    if nll == .infinity {
      let fill: T = zeroInfinity ? 0 : .nan
      for t in 0..<I {
        for c in 0..<C { grB[t * rowStride + base + c] = fill }
      }
      return nll
    }
    backward(b, I: I, L: L, lp: lpB, grad: grB, nll: nll, gradScale: gradScale)
    return nll
  }

  /// Alpha recursion: log alpha_t(s) = A_t[s] + offA[t]; returns the
  /// −log-likelihood (+inf when no path fits, NaN for a NaN input).
  func forward(I: Int, L: Int) -> Double {
    // x[s] = shifted[s + 2], l[s] = lin[s + 2]: the two padding elements
    // stand for the missing predecessors of states 0 and 1.
    let x = shifted + 2
    let l = lin + 2
    (shifted[0], shifted[1]) = (-.infinity, -.infinity)
    (lin[0], lin[1]) = (0, 0)
    let a0 = alpha
    for s in 0..<L { a0[s] = -.infinity }
    a0[0] = emit[0]
    if L > 1 { a0[1] = emit[1] }
    offA[0] = emOff[0]
    for t in 1..<max(I, 1) {
      let prev = alpha + (storeAlphas ? (t - 1) : ((t - 1) & 1)) * L
      let cur = alpha + (storeAlphas ? t : (t & 1)) * L
      let e = emit + t * L
      let m = T.ctcMaximum(prev, L, from: prev[0])
      if m == -.infinity || m.isNaN {
        return m.isNaN ? Double.nan : Double.infinity
      }
      T.ctcShiftExp(prev, by: m, x: x, l: l, L)
      // cur[s] = log(l[s] + l[s − 1] + skip[s]·l[s − 2]) + e[s].
      T.ctcLogSums(l, x, next: -1, skip: skip, plus: e, into: cur, L)
      offA[t] = offA[t - 1] + Double(m) + emOff[t]
    }
    let last = alpha + (storeAlphas ? (I - 1) : ((I - 1) & 1)) * L
    let u = last[L - 1]
    let v = L > 1 ? last[L - 2] : -T.infinity
    let m = max(u, v)
    if m == -.infinity { return .infinity }
    let ll =
      offA[I - 1] + Double(m) + Double(T.log(T.exp(u - m) + T.exp(v - m)))
    return -ll
  }

  /// Beta recursion from the last frame down, with the gradient rows.
  func backward(
    _ b: Int, I: Int, L: Int, lp: UnsafePointer<T>,
    grad: UnsafeMutablePointer<T>,
    nll: Double, gradScale: T
  ) {
    let C = layout.C
    let rowStride = layout.N * C
    let base = b * C
    var cur = betaCur
    var next = betaNext
    // x[s] = w[s] − m and l[s] = exp(x[s]), padded after the row for the
    // missing successors.
    let x = shifted
    let l = lin
    // log beta'_t(s) = B_t[s] + offB; beta' excludes frame t's emission.
    for s in 0..<L { cur[s] = -.infinity }
    cur[L - 1] = 0
    if L > 1 { cur[L - 2] = 0 }
    var offB = 0.0
    var t = I - 1
    while true {
      // The gradient row of frame t: exp(logProbs) (NaN for −inf, as PyTorch's
      // exp(−inf − (−inf))), minus the occupancies, times the cotangent.
      let a = alpha + t * L
      let k = T(offA[t] + offB + nll)
      let row = lp + (t * rowStride + base)
      let g = grad + (t * rowStride + base)
      T.ctcExpRow(row, into: g, C)
      T.ctcExpSum(a, cur, plus: k, into: work, L)
      // PyTorch: in the last frame, a last label equal to blank overwrites
      // the final blank state's share.
      let skipFinalBlank = t == I - 1 && L > 1 && ext[L - 2] == blank
      for s in 0..<L {
        if a[s] + cur[s] == -.infinity { continue }
        if skipFinalBlank && s == L - 1 { continue }
        g[ext[s]] -= work[s]
      }
      for c in 0..<C { g[c] *= gradScale }
      if t == 0 { break }
      // beta'_{t-1}(s) = Σ_{s' ∈ {s, s+1, s+2 if skip}} e_t(s') beta'_t(s').
      let e = emit + t * L
      for s in 0..<L { work[s] = cur[s] + e[s] }
      let m = T.ctcMaximum(work, L, from: -.infinity)
      if m == -.infinity {
        for s in 0..<L { next[s] = -.infinity }
      } else {
        T.ctcShiftExp(work, by: m, x: x, l: l, L)
        (x[L], x[L + 1]) = (-.infinity, -.infinity)
        (l[L], l[L + 1]) = (0, 0)
        // next[s] = log(l[s] + l[s + 1] + skip[s + 2]·l[s + 2]).
        T.ctcLogSums(l, x, next: 1, skip: skipNext, plus: nil, into: next, L)
        offB += Double(m) + emOff[t]
      }
      swap(&cur, &next)
      t -= 1
    }
  }
}
