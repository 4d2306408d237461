/// A distance for ``TripletMarginWithDistanceLoss``: PyTorch's
/// `distance_function`, with the gradient PyTorch's autograd would give it.
///
/// `distance(x1, x2)` returns the distances between `x1` and `x2`
/// (which it broadcasts as it sees fit, usually reducing one dimension);
/// `pullback(x1, x2, cotangent:)` returns the vector–Jacobian products
/// ⟨cotangent, ∂distance/∂x1⟩ and ⟨cotangent, ∂distance/∂x2⟩, each shaped
/// like its own argument (broadcast dimensions summed back).
///
/// Most distances compare vectors along the last dimension; for those,
/// adopt ``VectorDistance`` instead and write only the per-vector value and
/// gradient. Conform to `TripletDistance` directly when the distance reduces
/// another dimension (as ``CosineDistance`` reduces dim 1).
public protocol TripletDistance: Sendable {
  /// The distances between `x1` and `x2`.
  func distance<T: LossScalar>(_ x1: Tensor<T>, _ x2: Tensor<T>)
    throws(LossError) -> Tensor<T>
  /// The VJPs of `distance(x1, x2)` with `cotangent` (shaped like its output).
  func pullback<T: LossScalar>(
    _ x1: Tensor<T>, _ x2: Tensor<T>, cotangent: Tensor<T>
  ) throws(LossError) -> (x1: Tensor<T>, x2: Tensor<T>)
}

/// A distance between two vectors, applied along the last dimension of two
/// tensors that broadcast (a 0-d pair is one vector of one element), as
/// `torch.pairwise_distance` is. The output drops the last dimension.
///
/// Write the value and the gradient of one pair of vectors; broadcasting,
/// the batch loop and the cotangent are done for you. An L∞ distance,
/// max |u − v|, whose gradient PyTorch's `amax` shares among tied maxima:
///
/// ```swift
/// struct ChebyshevDistance: VectorDistance {
///   func value<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>) -> T {
///     zip(u, v).map { abs($0 - $1) }.max() ?? 0
///   }
///   func gradient<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>)
///     -> (u: [T], v: [T])
///   {
///     let d = zip(u, v).map { $0 - $1 }
///     let m = d.map { abs($0) }.max() ?? 0
///     let ties = T(d.filter { abs($0) == m }.count)
///     let du = d.map { abs($0) == m ? ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) / ties : 0 }
///     return (du, du.map { -$0 })
///   }
/// }
///
/// let loss = TripletMarginWithDistanceLoss(
///   distance: ChebyshevDistance(), margin: 0.5, swap: true)
/// let v = try loss.valueWithGradient(anchor, positive, negative)
/// ```
public protocol VectorDistance: TripletDistance {
  /// The distance between two vectors of equal length.
  func value<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>) -> T
  /// Its partial derivatives with respect to each element of `u` and `v`.
  func gradient<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>)
    -> (u: [T], v: [T])
  /// Refuses a vector length the distance is undefined for (by default,
  /// every length is fine).
  func validate(length: Int) throws(LossError)
}

extension VectorDistance {
  /// Accepts every length.
  public func validate(length: Int) throws(LossError) {}

  /// The distances between `x1` and `x2`.
  public func distance<T: LossScalar>(_ x1: Tensor<T>, _ x2: Tensor<T>)
    throws(LossError) -> Tensor<T>
  {
    let rows = try VectorRows(x1, x2)
    try validate(length: rows.length)
    var out = [T](repeating: 0, count: rows.count)
    for r in 0..<rows.count {
      out[r] = value(rows.u[rows.range(r)], rows.v[rows.range(r)])
    }
    return Tensor(unchecked: rows.outputShape, out)
  }

  /// The VJPs of ``distance(_:_:)`` with `cotangent`.
  public func pullback<T: LossScalar>(
    _ x1: Tensor<T>, _ x2: Tensor<T>, cotangent: Tensor<T>
  ) throws(LossError) -> (x1: Tensor<T>, x2: Tensor<T>) {
    let rows = try VectorRows(x1, x2)
    try validate(length: rows.length)
    try checkGradOutput(cotangent, outputShape: rows.outputShape)
    var g1 = [T](repeating: 0, count: rows.u.count)
    var g2 = [T](repeating: 0, count: rows.v.count)
    for r in 0..<rows.count {
      let range = rows.range(r)
      let c = cotangent.scalars[r]
      let (du, dv) = gradient(rows.u[range], rows.v[range])
      for (k, i) in range.enumerated() {
        g1[i] = c * du[k]
        g2[i] = c * dv[k]
      }
    }
    return (
      Broadcast.sum(g1, from: rows.shape, to: x1.shape),
      Broadcast.sum(g2, from: rows.shape, to: x2.shape)
    )
  }
}

/// Two tensors broadcast together and cut into vectors along the last
/// dimension.
struct VectorRows<T: LossScalar> {
  /// The broadcast shape (at least 1-d: a 0-d pair is one 1-element vector).
  let shape: [Int]
  let outputShape: [Int]
  let u: [T]
  let v: [T]
  let length: Int
  let count: Int

  init(_ x1: Tensor<T>, _ x2: Tensor<T>) throws(LossError) {
    let b = try Broadcast.shape([x1.shape, x2.shape], names: ["x1", "x2"])
    outputShape = b.isEmpty ? [] : Array(b.dropLast())
    shape = b.isEmpty ? [1] : b
    u = Broadcast.expand(x1, to: b)
    v = Broadcast.expand(x2, to: b)
    length = shape[shape.count - 1]
    count = outputShape.reduce(1, *)
  }

  func range(_ r: Int) -> Range<Int> { (r * length)..<((r + 1) * length) }
}

/// ‖z‖_p of one vector as `torch.linalg.vector_norm` computes it, and its
/// gradient with PyTorch's conventions at the non-differentiable points.
struct PNorm: Sendable {
  let p: Double

  /// p = 0 counts the non-zeros; p = ±∞ is max/min |z|; otherwise
  /// (Σ|z|^p)^(1/p) (p = 1 and p = 2 directly).
  func value<T: LossScalar>(_ z: ArraySlice<T>) -> T {
    if p == 0 { return T(z.filter { $0 != 0 }.count) }
    if p.isInfinite {
      var m: T = p > 0 ? 0 : .infinity
      for x in z {
        let a = abs(x)
        if a.isNaN { return .nan }
        m = p > 0 ? max(m, a) : min(m, a)
      }
      return m
    }
    if p == 1 { return z.reduce(0) { $0 + abs($1) } }
    if p == 2 { return z.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    let tp = T(p)
    let s = z.reduce(T(0)) { $0 + T.pow(abs($1), tp) }
    return T.pow(s, 1 / tp)
  }

  /// ∂‖z‖/∂z at z whose norm is `n`: sign(z) for p = 1; 0 where the norm is
  /// 0 (p ≠ 1) or where z_i = 0 (p < 1); for p = ±∞ the extreme elements
  /// (and NaNs) share the gradient equally; no gradient for p = 0.
  func gradient<T: LossScalar>(_ z: ArraySlice<T>, norm n: T) -> [T] {
    func sign(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? .nan : 0)) }
    if p == 0 { return [T](repeating: 0, count: z.count) }
    if p == 1 { return z.map(sign) }
    if p.isInfinite {
      let hits = z.map { abs($0) == n || $0.isNaN }
      let share = 1 / T(hits.filter { $0 }.count)
      return zip(z, hits).map { $1 ? sign($0) * share : 0 }
    }
    if n == 0 { return [T](repeating: 0, count: z.count) }
    if p == 2 { return z.map { $0 / n } }
    // sign(z)·(|z|/n)^(p−1): the ratio form of |z|^(p−1)/n^(p−1).
    let e = T(p - 1)
    return z.map { x in x == 0 ? 0 : sign(x) * T.pow(abs(x) / n, e) }
  }
}

/// `torch.pairwise_distance(x1, x2, p, eps)`: ‖x1 − x2 + eps‖_p over the
/// last dimension (eps added to every element of the difference). The
/// default distance of ``TripletMarginWithDistanceLoss`` (p = 2,
/// eps = 1e-6); `pairwise_distance` in the case schema.
public struct PairwiseDistance: VectorDistance {
  /// The norm's degree (p > 0; `inf` is the maximum norm).
  public var p: Double
  /// Added to each difference (pairwise) or norm (cosine).
  public var eps: Double

  /// `torch.pairwise_distance`'s defaults.
  public init(p: Double = 2, eps: Double = 1e-6) {
    self.p = p
    self.eps = eps
  }

  /// Refuses a length the distance is undefined for (`shape_mismatch`).
  public func validate(length: Int) throws(LossError) {
    if p.isInfinite && length == 0 {
      throw .shape(
        "p: the \(p) norm of an empty last dimension is undefined (no identity)"
      )
    }
  }

  /// The distance between `u` and `v`.
  public func value<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>) -> T
  {
    let e = T(eps)
    return PNorm(p: p).value(ArraySlice(zip(u, v).map { $0 - $1 + e }))
  }

  /// Its partial derivatives in `u` and `v`.
  public func gradient<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>)
    -> (u: [T], v: [T])
  {
    let e = T(eps)
    let z = ArraySlice(zip(u, v).map { $0 - $1 + e })
    let norm = PNorm(p: p)
    let g = norm.gradient(z, norm: norm.value(z))
    return (g, g.map { -$0 })
  }
}

/// max |x1 − x2| over the last dimension: `(x1 - x2).abs().amax(dim=-1)`,
/// `l_infinity` in the case schema. Tied maxima share the gradient equally
/// (amax); a zero difference gets none (abs). An empty last dimension is
/// refused, as amax refuses it.
public struct LInfinityDistance: VectorDistance {
  /// The L∞ distance.
  public init() {}

  /// Refuses a length the distance is undefined for (`shape_mismatch`).
  public func validate(length: Int) throws(LossError) {
    if length == 0 {
      throw .shape(
        "l_infinity: the last dimension is empty; the maximum of no elements is undefined"
      )
    }
  }

  /// The distance between `u` and `v`.
  public func value<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>) -> T
  {
    PNorm(p: .infinity).value(ArraySlice(zip(u, v).map { $0 - $1 }))
  }

  /// Its partial derivatives in `u` and `v`.
  public func gradient<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>)
    -> (u: [T], v: [T])
  {
    let z = ArraySlice(zip(u, v).map { $0 - $1 })
    var m: T = 0
    var nan = false
    for x in z {
      if x.isNaN { nan = true }
      m = max(m, abs(x))
    }
    // amax's mask is (|z| == max): with a NaN maximum nothing matches.
    if nan {
      return (
        [T](repeating: 0, count: z.count), [T](repeating: 0, count: z.count)
      )
    }
    let ties = T(z.filter { abs($0) == m }.count)
    let g = z.map { x -> T in
      guard abs(x) == m else { return 0 }
      return (x > 0 ? 1 : (x < 0 ? -1 : 0)) / ties
    }
    return (g, g.map { -$0 })
  }
}

/// 1 − `F.cosine_similarity(x1, x2)` with its defaults, dim = 1 and
/// eps = 1e-8: `cosine_distance` in the case schema.
///
/// Dim 1, not the last dim: for (N, D) inputs the same thing, for
/// (N, D, K) inputs the output is (N, K); inputs of fewer than 2 dims are
/// refused (dim 1 out of range). PyTorch divides each broadcast input by
/// its norm over dim 1 clamped to at least eps, the clamp done without
/// gradient tracking: the gradient flows through the norm as if it were not
/// clamped, and the norm's own gradient is 0 where the norm is 0. So a zero
/// vector gives distance 1 and a gradient of size about 1/eps for the other
/// input's partner.
public struct CosineDistance: TripletDistance {
  /// Added to each difference (pairwise) or norm (cosine).
  public var eps: Double

  /// `torch.cosine_similarity`'s default `eps`.
  public init(eps: Double = 1e-8) { self.eps = eps }

  struct Layout {
    let shape: [Int]
    let outputShape: [Int]
    let length: Int
    let inner: Int
    let outer: Int
    func index(_ o: Int, _ j: Int) -> Int {
      (o / inner * length + j) * inner + o % inner
    }
  }

  func layout<T>(_ x1: Tensor<T>, _ x2: Tensor<T>) throws(LossError) -> Layout {
    guard x1.rank >= 2, x2.rank >= 2 else {
      throw .shape(
        "cosine_distance: reduces dim 1 (cosine_similarity's default), which needs inputs of at least 2 dims, got shapes \(x1.shape) and \(x2.shape)"
      )
    }
    let s = try Broadcast.shape([x1.shape, x2.shape], names: ["x1", "x2"])
    var out = s
    out.remove(at: 1)
    let inner = s[2...].reduce(1, *)
    return Layout(
      shape: s, outputShape: out, length: s[1], inner: inner,
      outer: out.reduce(1, *))
  }

  /// The distances between `x1` and `x2`.
  public func distance<T: LossScalar>(_ x1: Tensor<T>, _ x2: Tensor<T>)
    throws(LossError) -> Tensor<T>
  {
    let l = try layout(x1, x2)
    let a = Broadcast.expand(x1, to: l.shape)
    let b = Broadcast.expand(x2, to: l.shape)
    let e = T(eps)
    var out = [T](repeating: 0, count: l.outer)
    for o in 0..<l.outer {
      var aa: T = 0
      var bb: T = 0
      var ab: T = 0
      for j in 0..<l.length {
        let i = l.index(o, j)
        aa += a[i] * a[i]
        bb += b[i] * b[i]
        ab += a[i] * b[i]
      }
      out[o] = 1 - ab / (max(aa.squareRoot(), e) * max(bb.squareRoot(), e))
    }
    return Tensor(unchecked: l.outputShape, out)
  }

  /// The VJPs of ``distance(_:_:)`` with `cotangent`.
  public func pullback<T: LossScalar>(
    _ x1: Tensor<T>, _ x2: Tensor<T>, cotangent: Tensor<T>
  ) throws(LossError) -> (x1: Tensor<T>, x2: Tensor<T>) {
    let l = try layout(x1, x2)
    try checkGradOutput(cotangent, outputShape: l.outputShape)
    let a = Broadcast.expand(x1, to: l.shape)
    let b = Broadcast.expand(x2, to: l.shape)
    let e = T(eps)
    var ga = [T](repeating: 0, count: a.count)
    var gb = [T](repeating: 0, count: b.count)
    for o in 0..<l.outer {
      var aa: T = 0
      var bb: T = 0
      var ab: T = 0
      for j in 0..<l.length {
        let i = l.index(o, j)
        aa += a[i] * a[i]
        bb += b[i] * b[i]
        ab += a[i] * b[i]
      }
      let na = aa.squareRoot()
      let nb = bb.squareRoot()
      let ca = max(na, e)
      let cb = max(nb, e)
      let cos = ab / (ca * cb)
      // d(1 − cos) = −d cos; cos = ⟨a, b⟩/(ca·cb) with ca, cb differentiated as the
      // unclamped norms: ∂cos/∂a = b/(ca·cb) − cos·a/(ca·na) (second term 0 when na = 0).
      let g = -cotangent.scalars[o]
      for j in 0..<l.length {
        let i = l.index(o, j)
        let ta: T = na == 0 ? 0 : cos * a[i] / (ca * na)
        let tb: T = nb == 0 ? 0 : cos * b[i] / (cb * nb)
        ga[i] = g * (b[i] / (ca * cb) - ta)
        gb[i] = g * (a[i] / (ca * cb) - tb)
      }
    }
    return (
      Broadcast.sum(ga, from: l.shape, to: x1.shape),
      Broadcast.sum(gb, from: l.shape, to: x2.shape)
    )
  }
}

/// Refuses a margin PyTorch's triplet losses refuse (NaN passes, as there).
func checkTripletMargin(_ margin: Double) throws(LossError) {
  if margin <= 0 {
    throw .option("margin: expected a value greater than 0, got \(margin)")
  }
}

/// Refuses anchor, positive and negative of different ranks.
func checkTripletRanks(_ shapes: [[Int]]) throws(LossError) {
  if Set(shapes.map(\.count)).count != 1 {
    throw .shape(
      "anchor, positive, negative: expected the same number of dimensions, got shapes \(shapes[0]), \(shapes[1]) and \(shapes[2])"
    )
  }
}

/// The triplet losses' hinge on z = margin + d(a, p) − d(a, n):
/// max(z, 0) per triplet (NaN kept, as PyTorch's `clamp_min`), reduced.
/// When `wrt` asks for any of the anchor, positive or negative, it checks
/// `gradOutput` against the output's shape and also returns each
/// triplet's cotangent; otherwise the cotangents are nil.
///
/// - Throws: `shape_mismatch` for a `gradOutput` not shaped like the
///   output.
func tripletHinge<T: LossScalar>(
  _ z: [T], shape: [Int], reduction: Reduction, gradOutput: Tensor<T>?,
  wrt: GradientRequest
) throws(LossError) -> (output: Tensor<T>, cotangents: [T]?) {
  let names: [LossInput] = [.anchor, .positive, .negative]
  let wantGrad = names.contains(where: wrt.contains)
  if wantGrad {
    try checkGradOutput(gradOutput, outputShape: reduction.outputShape(shape))
  }
  let (output, g) = reduction.reduce(
    z.map { $0.isNaN ? $0 : max($0, 0) }, shape: shape,
    gradOutput: gradOutput, cotangents: wantGrad)
  return (output, wantGrad ? g : nil)
}
