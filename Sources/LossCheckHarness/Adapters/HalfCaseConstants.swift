import LossCheck

/// How a half-precision case holds what PyTorch's half kernels hold in the
/// tensor's dtype.
///
/// The reference computes a float16 or bfloat16 case in Float and rounds
/// each result once (PyTorch CPU's opmath). Two things PyTorch keeps in the
/// case's dtype instead, and the goldens with it:
/// - constants added to or clamped with a tensor (BCELoss's gradient clamp
///   1e-12, CosineEmbeddingLoss's ε 1e-12, `cosine_similarity`'s 1e-8,
///   PoissonNLLLoss's `eps`): rounded once to the dtype, so 1e-12 and 1e-8
///   are 0 in float16 and a zero vector or a zero input meets 0/0 or log 0;
/// - an intermediate PyTorch stores, where it leaves the dtype's range
///   (SoftMarginLoss's e^(−t·x) past 65520 in float16): +inf from there on.
extension LossCall {
  /// `x` as the case's dtype holds it: rounded once to float16 or bfloat16
  /// in a half case; unchanged otherwise (the loss holds it in its own
  /// computing type).
  func constantInCaseDType(_ x: Double) -> Double {
    let dtype = testCase.dtype
    return dtype.isHalf ? Double(HalfRounding.round(x, to: dtype)) : x
  }

  /// The smallest magnitude that rounds to infinity in the case's half
  /// dtype (the midpoint above its largest finite value: 65520 for float16,
  /// (2 − 2⁻⁸)·2¹²⁷ for bfloat16), or nil for float32 and float64 cases.
  var halfOverflowThreshold: Double? {
    switch testCase.dtype {
    case .float16: 65520
    case .bfloat16: 0x1.FFp127
    default: nil
    }
  }
}
