/// How a loss turns its per-element values into its output: PyTorch's
/// `reduction` argument.
///
/// - `none`: the unreduced values, in the loss's documented shape.
/// - `sum`: their sum (0 over zero elements), computed pairwise.
/// - `mean`: the sum divided by the loss's denominator, usually the element
///   count (NaN over zero elements). Some losses divide by something else:
///   class-weight sums (NLL, CrossEntropy), the batch size (MultiMargin), or
///   target lengths (CTC); each loss documents its own.
/// - `batchmean`: the sum divided by the input's first dimension (the plain
///   sum for a 0-d input). Only ``KLDivLoss`` takes it, as in PyTorch; every
///   other loss refuses it with `invalid_option` naming `reduction`.
///
/// The cotangent (`gradOutput`) of a reduced output is 0-d; of `none`, the
/// output's shape.
public enum Reduction: String, Sendable, CaseIterable {
  /// The unreduced values.
  case none
  /// The sum divided by the loss's denominator.
  case mean
  /// The sum.
  case sum
  /// The sum divided by the batch size (``KLDivLoss`` only).
  case batchmean

  /// Parses PyTorch's `reduction` argument with its deprecated overrides.
  ///
  /// When `sizeAverage` or `reduce` is non-nil it decides alone:
  /// `reduce == false` gives `none`; else `sizeAverage == false` gives
  /// `sum`; else `mean`. `"elementwise_mean"` is accepted as `mean` when
  /// `allowElementwiseMean`. `"batchmean"` parses for every loss; the losses
  /// other than ``KLDivLoss`` refuse it when called.
  ///
  /// - Throws: `invalid_option` naming `reduction` and the bad name.
  public init(
    parsing name: String, sizeAverage: Bool? = nil, reduce: Bool? = nil,
    allowElementwiseMean: Bool = true
  ) throws(LossError) {
    if sizeAverage != nil || reduce != nil {
      if reduce == false {
        self = .none
      } else if sizeAverage == false {
        self = .sum
      } else {
        self = .mean
      }
      return
    }
    if let r = Reduction(rawValue: name) {
      self = r
    } else if name == "elementwise_mean" && allowElementwiseMean {
      self = .mean
    } else {
      throw .option(
        "reduction: '\(name)' is not a valid value "
          + "(expected none, mean, sum or, for KLDivLoss, batchmean)")
    }
  }

  /// Refuses `batchmean`, which only ``KLDivLoss`` takes.
  ///
  /// - Throws: `invalid_option` naming `reduction` and `loss`.
  func requireStandard(_ loss: String) throws(LossError) {
    if self == .batchmean {
      throw .option(
        "reduction: 'batchmean' is not a valid value for \(loss) "
          + "(expected none, mean or sum; only KLDivLoss takes batchmean)")
    }
  }
}

extension Reduction {
  /// The shape of the output for unreduced `shape`.
  @inlinable
  func outputShape(_ shape: [Int]) -> [Int] { self == .none ? shape : [] }
}

/// Checks that a cotangent has the output's shape.
@inlinable
func checkGradOutput<T>(_ g: Tensor<T>?, outputShape: [Int]) throws(LossError) {
  if let g, g.shape != outputShape {
    throw LossError(
      .shapeMismatch,
      "gradOutput: shape \(g.shape) does not match the output's \(outputShape)")
  }
}
