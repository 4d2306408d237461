/// How a loss turns its per-element values into its output.
///
/// - `none`: the unreduced values, in their shape.
/// - `sum`: their sum (0 over zero elements).
/// - `mean`: the sum divided by the loss's denominator, usually the element
///   count (NaN over zero elements). Some losses divide by something else:
///   class-weight sums (NLL, CrossEntropy), the batch size (MultiMargin), or
///   target lengths (CTC); each loss documents its own.
///
/// KLDivLoss adds `batchmean`, see ``KLDivLoss/Reduction``.
public enum Reduction: String, Sendable, CaseIterable {
  case none
  case mean
  case sum

  /// Parses a `reduction` argument with PyTorch's deprecated overrides.
  ///
  /// When `sizeAverage` or `reduce` is non-nil it decides: `reduce == false`
  /// gives `none`; else `sizeAverage == false` gives `sum`; else `mean`.
  /// `"elementwise_mean"` is accepted as `mean` when `allowElementwiseMean`.
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
        "reduction: '\(name)' is not a valid value (expected none, mean or sum)"
      )
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
func checkGradOutput<T>(_ g: Tensor<T>?, outputShape: [Int]) throws(LossError)
{
  if let g, g.shape != outputShape {
    throw LossError(
      .shapeMismatch,
      "gradOutput: shape \(g.shape) does not match the output's \(outputShape)")
  }
}
