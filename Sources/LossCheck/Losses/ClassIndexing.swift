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
        "input: shape [] has no class dimension (expected (C), (N, C) or (N, C, d1, ...))")
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
      throw .shape("target: shape \(target) where the input \(input) needs \(want)")
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
      "weight: shape \(weight.shape), expected [\(classes)] (one weight per class)")
  }
  return weight.scalars.map { T($0) }
}

/// Checks that every target not equal to `ignoreIndex` is a class in
/// [0, C); returns, per position, the class or nil when ignored.
func classTargets(_ target: Tensor<Int64>, classes: Int, ignoreIndex: Int)
  throws(LossError) -> [Int?]
{
  var out = [Int?](repeating: nil, count: target.count)
  for (p, v) in target.scalars.enumerated() {
    if Int(v) == ignoreIndex { continue }
    guard v >= 0, v < Int64(classes) else {
      throw .index(
        "target: class index \(v) is out of range (expected 0 <= index < C = \(classes), or ignore_index = \(ignoreIndex))"
      )
    }
    out[p] = Int(v)
  }
  return out
}

/// PyTorch accepts a [1] target for an unbatched (C) input in the forward
/// pass but its backward refuses it ("size mismatch"); so do we.
func refuseUnbatchedLengthOneGradient(input: [Int], target: [Int]) throws(LossError) {
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
