import RealModule

/// Shared by the class-index losses (NLLLoss, CrossEntropyLoss): where the
/// class dimension lies, and the checks PyTorch makes on targets and weights.
///
/// An input (N, C, d1, …, dk) is walked in place as N · C · S elements with
/// S = d1 · … · dk: element (n, c, s) sits at (n · C + c) · S + s. An
/// unbatched input (C) is N = 1, S = 1. A "position" is one (n, s) pair:
/// it has one target and one unreduced loss value.
struct ClassLayout: Sendable {
  let batch: Int
  let classes: Int
  let inner: Int
  /// The shape of the unreduced output: (N, d1, …, dk), or [] unbatched.
  let outputShape: [Int]

  var positions: Int { batch * inner }

  /// The flat index of class `c` at position `p`.
  func index(position p: Int, class c: Int) -> Int {
    let n = p / inner
    let s = p - n * inner
    return (n * classes + c) * inner + s
  }

  /// The layout of `input` for a target shaped like the input (probabilities).
  init(probabilitiesFor shape: [Int]) {
    if shape.count == 1 {
      batch = 1
      classes = shape[0]
      inner = 1
      outputShape = []
    } else {
      batch = shape[0]
      classes = shape[1]
      inner = shape.dropFirst(2).reduce(1, *)
      outputShape = [shape[0]] + shape.dropFirst(2)
    }
  }

  /// The layout for class-index targets, with PyTorch's shape checks:
  /// (C) takes a 0-d target (or, forward only, a [1] target); (N, C, d…)
  /// takes (N, d…).
  init(indicesFor input: [Int], target: [Int]) throws(LossError) {
    guard !input.isEmpty else {
      throw .shape(
        "input: shape [] has no class dimension (expected (C), (N, C) or (N, C, d1, ...))"
      )
    }
    if input.count == 1 {
      guard target.isEmpty || target == [1] else {
        throw .shape(
          "target: shape \(target) for an unbatched input \(input) (expected a 0-d target or shape [1])"
        )
      }
      self.init(probabilitiesFor: input)
      return
    }
    guard let tn = target.first, tn == input[0] else {
      throw .shape(
        "target: batch size \(target.first.map(String.init) ?? "none (0-d)") does not match input batch size \(input[0]) (input \(input), target \(target))"
      )
    }
    let want = [input[0]] + input.dropFirst(2)
    guard target == want else {
      throw .shape(
        "target: shape \(target) where the input \(input) needs \(want)")
    }
    self.init(probabilitiesFor: input)
  }
}

/// A class weight as `T`: 1-d with `classes` elements, or nil.
func classWeights<T: LossScalar>(_ weight: Tensor<Double>?, classes: Int)
  throws(LossError) -> [T]?
{
  guard let weight else { return nil }
  guard weight.shape == [classes] else {
    throw .shape(
      "weight: shape \(weight.shape), expected [\(classes)] (one weight per class)"
    )
  }
  return weight.scalars.map { T($0) }
}

/// Checks that every target not equal to `ignoreIndex` is a class in
/// [0, C), in one branch-free pass (the first offender is looked for, for
/// the message, only when there is one); returns how many are kept (not
/// ignored).
func checkClassTargets(_ target: Tensor<Int64>, classes: Int, ignoreIndex: Int)
  throws(LossError) -> Int
{
  var kept = 0
  var valid = true
  for v in target.scalars {
    let ignored = Int(v) == ignoreIndex
    valid = valid && (ignored || (v >= 0 && v < Int64(classes)))
    kept += ignored ? 0 : 1
  }
  if valid { return kept }
  for v in target.scalars
  where Int(v) != ignoreIndex && !(v >= 0 && v < Int64(classes)) {
    throw .index(
      "target: class index \(v) is out of range (expected 0 <= index < C = \(classes), or ignore_index = \(ignoreIndex))"
    )
  }
  return kept
}

/// The targets checked (``checkClassTargets(_:classes:ignoreIndex:)``):
/// per position, the class, or nil when ignored.
func classTargets(_ target: Tensor<Int64>, classes: Int, ignoreIndex: Int)
  throws(LossError) -> [Int?]
{
  _ = try checkClassTargets(target, classes: classes, ignoreIndex: ignoreIndex)
  return target.scalars.map { Int($0) == ignoreIndex ? nil : Int($0) }
}

/// PyTorch accepts a [1] target for an unbatched (C) input in the forward
/// pass but its backward refuses it ("size mismatch"); so do we.
func refuseUnbatchedLengthOneGradient(input: [Int], target: [Int])
  throws(LossError)
{
  if input.count == 1 && target == [1] {
    throw .shape(
      "target: shape [1] for an unbatched input \(input) has no gradient in PyTorch (use a 0-d target)"
    )
  }
}

/// The log-softmax shift at one position: (m, log Σ_c exp(x[c] − m)) with
/// m the maximum, so that log p[c] = (x[c] − m) − log Σ (exact first
/// difference, as PyTorch's log_softmax; subtracting m + log Σ in one step
/// would round at the magnitude of m). NaN anywhere gives NaN; +inf gives
/// NaN (inf − inf); a row of −inf gives NaN, as in PyTorch.
func logSoftmaxShift<T: LossScalar>(
  _ x: [T], _ layout: ClassLayout, position p: Int
) -> (shift: T, logSum: T) {
  var m = -T.infinity
  for c in 0..<layout.classes {
    let v = x[layout.index(position: p, class: c)]
    if v.isNaN { return (.nan, .nan) }
    if v > m { m = v }
  }
  if m == -.infinity { return (.nan, .nan) }
  var s: T = 0
  for c in 0..<layout.classes {
    s += T.exp(x[layout.index(position: p, class: c)] - m)
  }
  return (m, T.log(s))
}

/// The cross entropy of one position's logits against a class index, with
/// label smoothing and class weights, forward and backward in one pass
/// over the row (CrossEntropyLoss with index targets).
///
/// Per row: the maximum m; e_c = exp(x_c − m) into a scratch row and
/// s = Σ e_c; log p_c = (x_c − m) − log s. The value is
/// −(1 − ε)·w[t]·log p_t − (ε/C)·(Σ_c w_c·(x_c − m) − W·log s) with
/// W = Σ w, and the gradient g·(p_c·Σ_k a_k) − g·a_c with p_c = e_c / s
/// (see ``CrossEntropyLoss``). NaN or +inf anywhere in the row, or a row of
/// −inf, makes s (and so the row's value and gradient) NaN, as in PyTorch.
struct SoftmaxCrossEntropyRule<T: LossScalar> {
  /// 1 − ε.
  let keep: T
  /// ε / C.
  let spread: T
  /// Whether ε > 0 (the smoothing term is skipped otherwise).
  let smoothing: Bool
  /// W = Σ_c w_c.
  let weightTotal: T

  /// The value of one position; writes its gradient (scaled by the
  /// cotangent `g`) to `gradient` when non-nil. The row's logits are
  /// `x[c · stride]`, its gradient `gradient[c · stride]`; `scratch` holds
  /// at least `classes` elements.
  @inline(__always)
  func row(
    _ x: UnsafePointer<T>, stride: Int, classes: Int, target: Int?,
    weights w: UnsafePointer<T>, scratch e: UnsafeMutablePointer<T>,
    cotangent g: T, gradient dx: UnsafeMutablePointer<T>?
  ) -> T {
    // The contiguous case gets its own copy of the loops, with stride 1
    // known to the compiler.
    if stride == 1 {
      return rowBody(x, 1, classes, target, w, e, g, dx)
    }
    return rowBody(x, stride, classes, target, w, e, g, dx)
  }

  @inline(__always)
  private func rowBody(
    _ x: UnsafePointer<T>, _ stride: Int, _ C: Int, _ target: Int?,
    _ w: UnsafePointer<T>, _ e: UnsafeMutablePointer<T>,
    _ g: T, _ dx: UnsafeMutablePointer<T>?
  ) -> T {
    if C == 0 { return 0 }  // only ignored targets reach here
    // Pass 1: the maximum (NaN is skipped here but poisons s below).
    var (m0, m1, m2, m3) = (-T.infinity, -T.infinity, -T.infinity, -T.infinity)
    var c = 0
    while c + 4 <= C {
      let (v0, v1, v2, v3) = (
        x[c * stride], x[(c + 1) * stride], x[(c + 2) * stride],
        x[(c + 3) * stride]
      )
      m0 = v0 > m0 ? v0 : m0
      m1 = v1 > m1 ? v1 : m1
      m2 = v2 > m2 ? v2 : m2
      m3 = v3 > m3 ? v3 : m3
      c += 4
    }
    while c < C {
      let v = x[c * stride]
      m0 = v > m0 ? v : m0
      c += 1
    }
    let m = Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
    // Pass 2: the shifted logits (and Σ w·(x − m) for the smoothing term),
    // then their exponentials in place, then s.
    var shiftedWeighted: T = 0
    if smoothing {
      var (a, b) = (T(0), T(0))
      c = 0
      while c + 2 <= C {
        let d0 = x[c * stride] - m
        let d1 = x[(c + 1) * stride] - m
        e[c] = d0
        e[c + 1] = d1
        a += w[c] * d0
        b += w[c + 1] * d1
        c += 2
      }
      if c < C {
        let d = x[c * stride] - m
        e[c] = d
        a += w[c] * d
      }
      shiftedWeighted = a + b
    } else {
      for c in 0..<C { e[c] = x[c * stride] - m }
    }
    let logOfTarget = target.map { e[$0] }  // x_t − m, before exp
    BlockMath.exp(e, e, C)
    let s = Summation.lanes(e, C)
    let logSum = T.log(s)
    var value: T = 0
    if let t = target, let shifted = logOfTarget {
      value = -keep * w[t] * (shifted - logSum)
      if smoothing {
        value -= spread * (shiftedWeighted - weightTotal * logSum)
      }
    }
    guard let dx else { return value }
    // Pass 3: the gradient from the exponentials kept in scratch.
    guard let t = target else {
      // Ignored: a zero cotangent through the softmax, NaN where it is NaN.
      for c in 0..<C { dx[c * stride] = 0 * (e[c] / s) }
      return value
    }
    // Σ_k a_k for a = (1 − ε)·w[t]·onehot(t) + (ε/C)·w.
    let total = keep * w[t] + spread * weightTotal
    // Distributed over g so that g = ±inf (mean with D = 0) gives NaN
    // across the row, as PyTorch's G − p·ΣG does.
    for c in 0..<C {
      dx[c * stride] = g * ((e[c] / s) * total) - g * (spread * w[c])
    }
    dx[t * stride] =
      g * ((e[t] / s) * total) - g * (spread * w[t] + keep * w[t])
    return value
  }
}
