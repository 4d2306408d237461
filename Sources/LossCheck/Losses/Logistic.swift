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
}
