/// Shared by the hinge losses (MarginRanking, HingeEmbedding,
/// MultiLabelMargin, MultiMargin).

/// max(0, z) as PyTorch's `clamp_min(0)`: NaN stays NaN.
@inlinable
func hingeValue<T: LossScalar>(_ z: T) -> T {
  z.isNaN ? z : (z > 0 ? z : 0)
}

/// Whether the hinge max(0, z) passes gradient: strictly positive z only,
/// so the kink z == 0 and NaN get none (`clamp_min` / `if (z > 0)`).
@inlinable
func hingeIsActive<T: LossScalar>(_ z: T) -> Bool { z > 0 }

/// The layout of a (N, C), (C) or 0-d class-score input: N rows of C.
/// PyTorch's "non-empty vector or matrix with optional 0-dim batch size".
@usableFromInline
struct ClassScores {
  @usableFromInline var rows: Int
  @usableFromInline var classes: Int
  @usableFromInline var batched: Bool

  @usableFromInline
  init(_ shape: [Int]) throws(LossError) {
    switch shape.count {
    case 0: (rows, classes, batched) = (1, 1, false)
    case 1 where shape[0] > 0: (rows, classes, batched) = (1, shape[0], false)
    case 2 where shape[1] > 0:
      (rows, classes, batched) = (shape[0], shape[1], true)
    default:
      throw .shape(
        "input: shape \(shape) is not a non-empty vector or a matrix (N, C) with C > 0"
      )
    }
  }
}
