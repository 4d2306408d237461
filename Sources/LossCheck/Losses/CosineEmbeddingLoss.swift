/// `torch.nn.CosineEmbeddingLoss`: for each pair of vectors, with
/// cos = Σ x1·x2 / √((Σ x1² + ε)(Σ x2² + ε)) over the last dimension and
/// ε = `Float(1e-12)` (PyTorch's float32 constant, in Double too):
/// 1 − cos where the target is 1, max(0, cos − margin) where it is −1,
/// and 0 for any other target value (0, 2, 0.5, NaN…).
///
/// - Shapes: a 1-d target (N) needs 2-d inputs (N, D); a 0-d target needs
///   1-d inputs (D) and gives a 0-d loss; a target of any other rank, and
///   inputs of any other rank (3-d inputs included), are `shape_mismatch`.
///   input1 and input2 broadcast, and the target broadcasts against the
///   cosines. As in ATen each sum runs over its own operands: the dot
///   product over the broadcast pair, each squared norm over its own input,
///   so a (N, 1) input1 against a (N, D) input2 has Σ x1² = x1², not D·x1².
/// - The ε terms keep a zero vector finite: cos = 0, and its gradient is
///   PyTorch's: x2/√(ε(Σ x2² + ε)) for the zero side (about 1e6·x2/‖x2‖).
/// - Gradient: ∂cos/∂x1 = x2/√(m1·m2) − cos·x1/m1 (m = Σx² + ε); 0 for
///   other targets and at or below the hinge (cos − margin ≤ 0). The target
///   gets no gradient (a zero tensor if asked for).
/// - The margin is not checked (any real; NaN gives NaN for t = −1).
public struct CosineEmbeddingLoss: Sendable {
  /// The margin (PyTorch's `margin`), a hyper-parameter in `Double`.
  public var margin: Double
  /// How the per-element losses are combined (`mean` by default).
  /// `batchmean` is refused with `invalid_option` when the loss is called.
  public var reduction: Reduction
  /// ε as the computation holds it, or nil for PyTorch's float32 constant
  /// `Float(1e-12)`. A half-precision case sets it to 1e-12 rounded to its
  /// dtype (0 in float16: zero vectors give 0/0 = NaN there, as in
  /// PyTorch, which adds ε to a tensor of the case's dtype).
  package var epsilon: Double? = nil

  /// The loss with these options (PyTorch's defaults otherwise). Options are
  /// checked when the loss is called, so this never fails.
  public init(margin: Double = 0, reduction: Reduction = .mean) {
    self.margin = margin
    self.reduction = reduction
  }

  /// The loss.
  public func callAsFunction<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>
  ) throws(LossError) -> Tensor<T> {
    try valueWithGradient(input1, input2, target, wrt: .none).value
  }

  /// The loss and the VJPs of `input1`, `input2` (and a zero `target`
  /// gradient when asked) with `gradOutput` (ones when nil).
  @_specialize(exported:true,where T == Float)
  @_specialize(exported:true,where T == Double)
  public func valueWithGradient<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>,
    gradOutput: Tensor<T>? = nil, wrt: GradientRequest = [.input1, .input2]
  ) throws(LossError) -> LossValue<T> {
    try reduction.requireStandard("CosineEmbeddingLoss")
    guard target.rank <= 1 else {
      throw .shape(
        "target: expected a 0-d or 1-d tensor, got shape \(target.shape)")
    }
    let want = target.rank + 1
    guard input1.rank == want, input2.rank == want else {
      throw .shape(
        "input1, input2: a \(target.rank)-d target expects \(want)-d inputs, got shapes \(input1.shape) and \(input2.shape)"
      )
    }
    // View both inputs as matrices (rows, columns); an unbatched pair is one row.
    let s1 = want == 2 ? input1.shape : [1] + input1.shape
    let s2 = want == 2 ? input2.shape : [1] + input2.shape
    let b = try Broadcast.shape([s1, s2], names: ["input1", "input2"])
    let (rows, cols) = (b[0], b[1])
    if input1.shape == input2.shape && target.shape == (want == 2 ? [rows] : [])
      && rows * cols > 0
    {
      return try fusedRows(
        input1, input2, target, rows: rows, cols: cols, gradOutput: gradOutput,
        wrt: wrt)
    }
    return try broadcasting(
      input1, input2, target, gradOutput: gradOutput, wrt: wrt)
  }

  /// The general path: input1 and input2 broadcast against each other and
  /// the target against the cosines, each sum over its own operands (see
  /// the type's documentation), unfused.
  func broadcasting<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let want = target.rank + 1
    // Both inputs as matrices (rows, columns); an unbatched pair is one row.
    let s1 = want == 2 ? input1.shape : [1] + input1.shape
    let s2 = want == 2 ? input2.shape : [1] + input2.shape
    let b = try Broadcast.shape([s1, s2], names: ["input1", "input2"])
    let (rows, cols) = (b[0], b[1])
    let (c1, c2) = (s1[1], s2[1])
    let x1 = input1.scalars
    let x2 = input2.scalars
    let eps = epsilon.map { T($0) } ?? T.pytorchEpsilon1e12
    func row1(_ i: Int) -> Int { s1[0] == 1 ? 0 : i }
    func row2(_ i: Int) -> Int { s2[0] == 1 ? 0 : i }
    func at1(_ i: Int, _ j: Int) -> T { x1[row1(i) * c1 + (c1 == 1 ? 0 : j)] }
    func at2(_ i: Int, _ j: Int) -> T { x2[row2(i) * c2 + (c2 == 1 ? 0 : j)] }

    // Squared norms over each input's own rows, then per broadcast row the
    // dot product and the cosine.
    let m1 = (0..<s1[0]).map { r in
      (0..<c1).reduce(T(0)) { $0 + x1[r * c1 + $1] * x1[r * c1 + $1] } + eps
    }
    let m2 = (0..<s2[0]).map { r in
      (0..<c2).reduce(T(0)) { $0 + x2[r * c2 + $1] * x2[r * c2 + $1] } + eps
    }
    var denom = [T](repeating: 0, count: rows)
    var cos = [T](repeating: 0, count: rows)
    for i in 0..<rows {
      var dot: T = 0
      for j in 0..<cols { dot += at1(i, j) * at2(i, j) }
      denom[i] = (m1[row1(i)] * m2[row2(i)]).squareRoot()
      cos[i] = dot / denom[i]
    }
    let cosShape = want == 2 ? [rows] : []
    let outShape = try Broadcast.shape(
      [cosShape, target.shape],
      names: ["the cosines of input1 and input2", "target"])
    let cosAt = Broadcast.indexMap(from: cosShape, to: outShape)
    let t = Broadcast.expand(target, to: outShape)
    let n = t.count
    let m = T(margin)
    var values = [T](repeating: 0, count: n)
    for o in 0..<n {
      let c = cos[cosAt?[o] ?? o]
      if t[o] == 1 {
        values[o] = 1 - c
      } else if t[o] == -1 {
        let h = c - m
        values[o] = h.isNaN ? h : max(h, 0)
      }
    }
    let wantGrad = wrt.contains(.input1) || wrt.contains(.input2)
    if wantGrad {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let (output, g) = reduction.reduce(
      values, shape: outShape, gradOutput: gradOutput, cotangents: wantGrad)
    var result = LossValue(value: output)
    if wrt.contains(.target) {
      result.gradients[.target] = Tensor(
        unchecked: target.shape, [T](repeating: 0, count: target.count))
    }
    guard wantGrad else { return result }
    // The cotangent of each cosine.
    var gcos = [T](repeating: 0, count: rows)
    for o in 0..<n {
      let i = cosAt?[o] ?? o
      if t[o] == 1 {
        gcos[i] += -g[o]
      } else if t[o] == -1 && cos[i] - m > 0 {
        gcos[i] += g[o]
      }
    }
    var g1 = [T](repeating: 0, count: x1.count)
    var g2 = [T](repeating: 0, count: x2.count)
    // Every row, also those with a zero cotangent: PyTorch's chain gives 0/denom, NaN for a NaN row.
    for i in 0..<rows {
      let r1 = row1(i)
      let r2 = row2(i)
      let gd = gcos[i] / denom[i]
      // ∂cos/∂x1 = x2/denom (through the dot product, summed over broadcast columns)
      //          − cos·x1/m1 (through x1's own squared norm).
      for j in 0..<cols {
        g1[r1 * c1 + (c1 == 1 ? 0 : j)] += gd * at2(i, j)
        g2[r2 * c2 + (c2 == 1 ? 0 : j)] += gd * at1(i, j)
      }
      let k1 = gcos[i] * cos[i] / m1[r1]
      let k2 = gcos[i] * cos[i] / m2[r2]
      for k in 0..<c1 { g1[r1 * c1 + k] -= k1 * x1[r1 * c1 + k] }
      for k in 0..<c2 { g2[r2 * c2 + k] -= k2 * x2[r2 * c2 + k] }
    }
    if wrt.contains(.input1) {
      result.gradients[.input1] = Tensor(unchecked: input1.shape, g1)
    }
    if wrt.contains(.input2) {
      result.gradients[.input2] = Tensor(unchecked: input2.shape, g2)
    }
    return result
  }

  /// The common case without broadcasting: input1 and input2 of one shape,
  /// `rows` vectors of `cols`, and one target per row. One pass per row
  /// computes the dot product and both squared norms together, the loss and
  /// the cosine's cotangent, then writes both gradient rows while the row is
  /// still in cache. Rows are split across ``Parallelism/threads``; each row
  /// is computed the same way whatever the split.
  func fusedRows<T: LossScalar>(
    _ input1: Tensor<T>, _ input2: Tensor<T>, _ target: Tensor<T>, rows: Int,
    cols: Int,
    gradOutput: Tensor<T>?, wrt: GradientRequest
  ) throws(LossError) -> LossValue<T> {
    let wantGrad = wrt.contains(.input1) || wrt.contains(.input2)
    let outShape = target.shape
    if wantGrad {
      try checkGradOutput(
        gradOutput, outputShape: reduction.outputShape(outShape))
    }
    let eps = epsilon.map { T($0) } ?? T.pytorchEpsilon1e12
    let m = T(margin)
    let count = rows * cols
    var output = Tensor<T>(0)
    var g1: [T] = []
    var g2: [T] = []
    /// Every row: its loss, and with `d1`/`d2` its gradient rows.
    func run(
      _ x1: UnsafeBufferPointer<T>, _ x2: UnsafeBufferPointer<T>,
      _ t: UnsafeBufferPointer<T>, _ d1: UnsafeMutablePointer<T>?,
      _ d2: UnsafeMutablePointer<T>?
    ) {
      // Not empty (the caller's condition), so both have storage.
      guard let p1 = x1.baseAddress, let p2 = x2.baseAddress else { return }
      output = reduction.evaluate(
        count: rows, shape: outShape, gradOutput: wantGrad ? gradOutput : nil,
        width: cols, minimumChunk: 1 << 14
      ) { start, rowCount, v, g in
        for k in 0..<rowCount {
          let i = start + k
          let a = p1 + i * cols
          let b = p2 + i * cols
          let (dot, s1, s2) = rowDotAndSquares(a, b, cols)
          let m1 = s1 + eps
          let m2 = s2 + eps
          let denom = (m1 * m2).squareRoot()
          let cos = dot / denom
          var gcos: T = 0
          if t[i] == 1 {
            v[k] = 1 - cos
            gcos = -g[k]
          } else if t[i] == -1 {
            let h = cos - m
            v[k] = h.isNaN ? h : max(h, 0)
            if h > 0 { gcos = g[k] }
          } else {
            v[k] = 0
          }
          guard let d1, let d2 else { continue }
          // Every row, also one with a zero cotangent (0/denom; NaN for a NaN row):
          // ∂cos/∂x1 = x2/denom − cos·x1/m1, and symmetrically.
          let gd = gcos / denom
          let k1 = gcos * cos / m1
          let k2 = gcos * cos / m2
          let r1 = d1 + i * cols
          let r2 = d2 + i * cols
          for j in 0..<cols {
            r1[j] = gd * b[j] - k1 * a[j]
            r2[j] = gd * a[j] - k2 * b[j]
          }
        }
      }
    }
    input1.scalars.withUnsafeBufferPointer { x1 in
      input2.scalars.withUnsafeBufferPointer { x2 in
        target.scalars.withUnsafeBufferPointer { t in
          guard wantGrad else { return run(x1, x2, t, nil, nil) }
          g1 = FusedPass.array(count: count) { d1 in
            g2 = FusedPass.array(count: count) { d2 in run(x1, x2, t, d1, d2) }
          }
        }
      }
    }
    var result = LossValue(value: output)
    if wrt.contains(.target) {
      result.gradients[.target] = Tensor(
        unchecked: target.shape, [T](repeating: 0, count: target.count))
    }
    if wrt.contains(.input1) {
      result.gradients[.input1] = Tensor(unchecked: input1.shape, g1)
    }
    if wrt.contains(.input2) {
      result.gradients[.input2] = Tensor(unchecked: input2.shape, g2)
    }
    return result
  }
}
