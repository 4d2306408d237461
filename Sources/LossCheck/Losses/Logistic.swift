import RealModule

/// Shared by the binary/logistic losses: BCELoss, BCEWithLogitsLoss,
/// SoftMarginLoss and MultiLabelSoftMarginLoss.
@usableFromInline
enum Logistic {
  /// softplus(z) = log(1 + e^z) = −log σ(−z), without overflow:
  /// max(z, 0) + log1p(e^−|z|). softplus(+inf) = +inf, softplus(−inf) = 0,
  /// NaN stays NaN.
  @inlinable
  static func softplus<T: LossScalar>(_ z: T) -> T {
    let positive: T = z > 0 ? z : 0
    return positive + T.log(onePlus: T.exp(-abs(z)))
  }

  /// σ(z) = 1 / (1 + e^−z), evaluated on the side where e^… cannot overflow.
  @inlinable
  static func sigmoid<T: LossScalar>(_ z: T) -> T {
    if z >= 0 {
      return 1 / (1 + T.exp(-z))
    }
    let e = T.exp(z)  // also the NaN path: NaN >= 0 is false
    return e / (1 + e)
  }

  /// A tensor option (`weight`, `pos_weight`) read at `shape`. PyTorch
  /// multiplies these into the loss in place, so they must broadcast to
  /// `shape` without enlarging it.
  @inlinable
  static func option<T: LossScalar>(
    _ t: Tensor<T>?, named name: String, at shape: [Int]
  ) throws(LossError) -> [T]? {
    guard let t else { return nil }
    guard Broadcast.expands(t.shape, to: shape) else {
      throw LossError(
        .shapeMismatch,
        "\(name): shape \(t.shape) does not broadcast to the input's shape \(shape) without enlarging it"
      )
    }
    return Broadcast.expand(t, to: shape)
  }

  /// Refuses a target whose shape is not exactly the input's.
  @inlinable
  static func requireSameShape<T>(
    _ input: Tensor<T>, _ target: Tensor<T>, loss: String
  ) throws(LossError) {
    guard input.shape == target.shape else {
      throw LossError(
        .shapeMismatch,
        "target: shape \(target.shape) differs from the input's shape \(input.shape) (\(loss) needs them equal)"
      )
    }
  }

  /// A tensor option read at `shape` without expanding it when it can be
  /// read periodically: when its shape, less leading 1s, is the trailing
  /// part of `shape`, element i of the input reads `values[i % period]`.
  /// Otherwise it is expanded (period = the element count). Same checks
  /// and errors as ``option(_:named:at:)``.
  @inlinable
  static func periodicOption<T: LossScalar>(
    _ t: Tensor<T>?, named name: String, at shape: [Int]
  ) throws(LossError) -> PeriodicValues<T>? {
    guard let t else { return nil }
    let core = Array(t.shape.drop(while: { $0 == 1 }))
    if Broadcast.expands(t.shape, to: shape),
      core == Array(shape.suffix(core.count))
    {
      return PeriodicValues(values: t.scalars, period: t.count)
    }
    guard let full = try option(t, named: name, at: shape) else { return nil }
    return PeriodicValues(values: full, period: full.count)
  }
}

/// Values read periodically along the flat elements (see
/// ``Logistic/periodicOption(_:named:at:)``).
@usableFromInline
struct PeriodicValues<T: LossScalar> {
  @usableFromInline let values: [T]
  @usableFromInline let period: Int

  @inlinable
  init(values: [T], period: Int) {
    self.values = values
    self.period = period
  }

  /// Copies the values of elements `range` to `dst[0...]`, in contiguous
  /// runs (no per-element modulo).
  @inlinable
  func gather(_ range: Range<Int>, into dst: UnsafeMutablePointer<T>) {
    values.withUnsafeBufferPointer { src in
      guard let src = src.baseAddress, period > 0 else { return }
      var j = range.lowerBound % period
      var k = 0
      let n = range.count
      while k < n {
        let run = Swift.min(n - k, period - j)
        (dst + k).update(from: src + j, count: run)
        k += run
        j = 0
      }
    }
  }
}

extension Optional {
  /// The option's values for `range` at `dst[0...]`, or 1s without one.
  @inlinable
  func gather<T: LossScalar>(
    _ range: Range<Int>, into dst: UnsafeMutablePointer<T>
  )
  where Wrapped == PeriodicValues<T> {
    if let self {
      self.gather(range, into: dst)
    } else {
      dst.update(repeating: 1, count: range.count)
    }
  }
}

/// The logistic pieces shared by BCEWithLogitsLoss and
/// MultiLabelSoftMarginLoss, for a block of logits x: with
/// e = exp(−|x|) and L = log1p(e), softplus(−x) = max(−x, 0) + L,
/// softplus(x) = max(x, 0) + L and σ(x) = 1/(1 + e) for x ≥ 0, e/(1 + e)
/// otherwise (NaN for NaN) — the same operations, so the same bits, as
/// ``Logistic/softplus(_:)`` and ``Logistic/sigmoid(_:)``, from one exp and
/// one log1p.
@inlinable @inline(__always)
func logisticBlock<T: LossScalar>(
  _ x: UnsafePointer<T>, _ n: Int,
  e: UnsafeMutablePointer<T>, l: UnsafeMutablePointer<T>
) {
  for i in 0..<n { e[i] = -abs(x[i]) }
  BlockMath.exp(e, e, n)
  BlockMath.log1p(e, l, n)
}

/// σ(x) from e = exp(−|x|) (see ``logisticBlock(_:_:e:l:)``).
@inlinable @inline(__always)
func sigmoid<T: LossScalar>(_ x: T, fromExpOfMinusAbs e: T) -> T {
  x >= 0 ? 1 / (1 + e) : e / (1 + e)
}

/// max(z, 0) as in ``Logistic/softplus(_:)`` (NaN gives 0).
@inlinable @inline(__always)
func positivePart<T: LossScalar>(_ z: T) -> T { z > 0 ? z : 0 }
