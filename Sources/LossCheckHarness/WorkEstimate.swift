import LossCheck

/// How many elements the Swift reference allocates to evaluate a case,
/// from the shapes alone (read from the loss implementations; a slight
/// overestimate where a loss can skip a copy).
///
/// Counted: the output, the gradients, broadcast copies and their index
/// maps, and each loss's own scratch — for the class losses the per-thread
/// rows of the class dimension, which are allocated even for an empty
/// batch; for CTCLoss the alpha and emission tables, input length ×
/// (2 × target length + 1) per thread. Not counted: the inputs themselves
/// (already read). Arithmetic saturates at `Int.max`, never traps.
public enum WorkEstimate {
  /// The estimate for `call` (0 for a loss it does not know).
  public static func elements(_ call: LossCall) -> Int {
    let s = Shapes(call)
    let g = call.testCase.gradWrt.count
    switch call.spec.name {
    case "L1Loss", "MSELoss", "HuberLoss", "SmoothL1Loss", "PoissonNLLLoss",
      "KLDivLoss", "SoftMarginLoss", "HingeEmbeddingLoss":
      return elementwise(s, ["input", "target"], grads: g)
    case "GaussianNLLLoss":
      return elementwise(s, ["input", "target", "var"], grads: g)
    case "BCELoss":
      return elementwise(s, ["input", "target", "weight"], grads: g)
    case "BCEWithLogitsLoss":
      return elementwise(
        s, ["input", "target", "weight", "pos_weight"], grads: g)
    case "MarginRankingLoss":
      return elementwise(s, ["input1", "input2", "target"], grads: g)
    case "CosineEmbeddingLoss":
      return add(
        elementwise(s, ["input1", "input2"], grads: g),
        mul(rows(s.shape("input1")), 8))
    case "TripletMarginLoss", "TripletMarginWithDistanceLoss":
      return add(
        elementwise(s, ["anchor", "positive", "negative"], grads: g),
        mul(rows(s.shape("anchor")), 16))
    case "CrossEntropyLoss": return crossEntropy(s, grads: g)
    case "NLLLoss": return nll(s, grads: g)
    case "MultiMarginLoss":
      return classRows(s, grads: g, scratchPerClass: 1)
    case "MultiLabelMarginLoss":
      // Per thread: two rows of T and two of Int32 over the classes.
      return classRows(s, grads: g, scratchPerClass: 4)
    case "MultiLabelSoftMarginLoss":
      return add(
        elementwise(s, ["input", "target", "weight"], grads: g),
        classRows(s, grads: 0, scratchPerClass: 5))
    case "CTCLoss": return ctc(call, s, grads: g)
    default: return 0
    }
  }

  /// The shapes of a case's tensor inputs and tensor options.
  struct Shapes {
    let call: LossCall

    init(_ call: LossCall) { self.call = call }

    /// The shape of input or tensor option `name`, nil when absent or a
    /// plain number.
    func shape(_ name: String) -> [Int]? {
      if case .tensor(let t)? = call.testCase.inputs[name] { return t.shape }
      guard let v = call.testCase.options[name] else { return nil }
      return TensorJSON.declaredShape(v)
    }
  }

  static func threads() -> Int { Parallelism.threads }

  /// Broadcast losses: per tensor an expanded copy and an index map, the
  /// output, and per gradient the full-size gradient plus the index map and
  /// grouped copy of the reduction back to the input's shape.
  static func elementwise(_ s: Shapes, _ names: [String], grads: Int) -> Int {
    let shapes = names.compactMap { s.shape($0) }
    let b = broadcastCount(shapes)
    return mul(b, 2 * shapes.count + 1 + 3 * grads)
  }

  /// The element count of the broadcast of `shapes` (aligned at the last
  /// dimension; a 0 anywhere in a column makes it 0). Shapes that cannot
  /// broadcast are refused by the loss before it allocates, so they count
  /// as their largest member.
  static func broadcastCount(_ shapes: [[Int]]) -> Int {
    let rank = shapes.map(\.count).max() ?? 0
    var n = 1
    for j in 0..<rank {
      var size = 1
      var zero = false
      for s in shapes where j >= rank - s.count {
        let d = s[j - (rank - s.count)]
        if d == 0 {
          zero = true
        } else if size == 1 {
          size = d
        } else if d != 1 && d != size {
          return shapes.map(count).max() ?? 0
        }
      }
      n = mul(n, zero ? 0 : size)
    }
    return n
  }

  /// (rows, classes) of a class-score input as the hinge losses read it:
  /// a scalar is one class, a vector one row, a matrix (N, C).
  static func classScores(_ shape: [Int]) -> (rows: Int, classes: Int) {
    switch shape.count {
    case 0: (1, 1)
    case 1: (1, shape[0])
    default: (shape[0], shape.dropFirst().reduce(1, mul))
    }
  }

  /// The hinge-style class losses: the per-row values, the input-sized
  /// gradient, and per thread chunk `scratchPerClass` rows of the classes.
  static func classRows(_ s: Shapes, grads: Int, scratchPerClass: Int) -> Int {
    let shape = s.shape("input") ?? []
    let (r, c) = classScores(shape)
    let chunks = max(1, min(threads(), r))
    let scratch = mul(mul(c, scratchPerClass), chunks)
    return add(add(mul(count(shape), 1 + grads), mul(r, 2)), add(scratch, c))
  }

  /// CrossEntropyLoss: log-probabilities, smoothed targets and the two
  /// gradients (probability targets), per-position weights and values, a
  /// class row of scratch per thread and the class weights.
  static func crossEntropy(_ s: Shapes, grads: Int) -> Int {
    let shape = s.shape("input") ?? []
    let c = shape.count >= 2 ? shape[1] : (shape.first ?? 1)
    let positions = positions(shape)
    let chunks = max(1, min(threads(), positions))
    return add(
      add(mul(count(shape), 3 + grads), mul(positions, 4)),
      mul(c, chunks + 1))
  }

  /// NLLLoss: the input-sized gradient, per-position weights, values and
  /// block sums, and the class weights.
  static func nll(_ s: Shapes, grads: Int) -> Int {
    let shape = s.shape("input") ?? []
    let c = shape.count >= 2 ? shape[1] : (shape.first ?? 1)
    return add(
      add(mul(count(shape), 1 + grads), mul(positions(shape), 4)), c)
  }

  /// The positions of a (N, C, d1, ...) or (C) input: every dimension but
  /// the class one, so that an empty batch has none whatever C is.
  static func positions(_ shape: [Int]) -> Int {
    guard shape.count >= 2 else { return 1 }
    var rest = shape
    rest.remove(at: 1)
    return count(rest)
  }

  /// CTCLoss: the gradient, and per thread chunk the kernel's tables: the
  /// alphas (all frames when a gradient is wanted) and the emissions, each
  /// input length × (2 × target length + 1), plus per-frame and per-state
  /// rows.
  static func ctc(_ call: LossCall, _ s: Shapes, grads: Int) -> Int {
    let lp = s.shape("log_probs") ?? []
    let frames = lp.first ?? 0
    let batch = lp.count == 3 ? lp[1] : 1
    let targets = s.shape("targets") ?? []
    let maxTarget = targets.count == 2 ? targets[1] : count(targets)
    let inputLength = min(
      max(largest(call, "input_lengths"), 1), max(frames, 1))
    let targetLength = min(max(largest(call, "target_lengths"), 0), maxTarget)
    let states = add(mul(2, targetLength), 1)
    let chunks = max(1, min(threads(), batch))
    let tables = mul(inputLength, states)
    let perChunk = add(
      add(mul(tables, 2), mul(inputLength, 2)), mul(states, 10))
    return add(
      add(mul(count(lp), 1 + grads), mul(batch, 4)), mul(perChunk, chunks))
  }

  /// The largest value of an int64 input (0 when absent or empty).
  static func largest(_ call: LossCall, _ name: String) -> Int {
    guard let t = try? call.indexInput(name) else { return 0 }
    return Int(clamping: t.scalars.max() ?? 0)
  }

  static func rows(_ shape: [Int]?) -> Int {
    guard let shape, shape.count >= 2 else { return 1 }
    return shape[0]
  }

  static func count(_ shape: [Int]) -> Int { shape.reduce(1, mul) }

  static func mul(_ a: Int, _ b: Int) -> Int {
    let (p, o) = a.multipliedReportingOverflow(by: b)
    return o ? Int.max : p
  }

  static func add(_ a: Int, _ b: Int) -> Int {
    let (p, o) = a.addingReportingOverflow(b)
    return o ? Int.max : p
  }
}
