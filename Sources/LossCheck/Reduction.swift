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
  /// Reduces `values` (the elements of a tensor of `shape`), with `mean`
  /// dividing by the element count.
  @inlinable
  func apply<T: LossScalar>(_ values: [T], shape: [Int]) -> Tensor<T> {
    switch self {
    case .none: return Tensor(unchecked: shape, values)
    case .sum: return Tensor(accurateSum(values))
    case .mean, .batchmean:  // batchmean: refused on entry
      return Tensor(values.isEmpty ? .nan : accurateSum(values) / T(values.count))
    }
  }

  /// The shape of the output for unreduced `shape`.
  @inlinable
  func outputShape(_ shape: [Int]) -> [Int] { self == .none ? shape : [] }
}

/// The cotangent of each unreduced element, from the output's cotangent.
@usableFromInline
struct ElementCotangent<T: LossScalar> {
  @usableFromInline let perElement: [T]?
  @usableFromInline let uniform: T

  /// `gradOutput` must already be checked against the output shape.
  @inlinable
  init(_ gradOutput: Tensor<T>?, reduction: Reduction, count: Int) {
    switch reduction {
    case .none:
      perElement = gradOutput?.scalars
      uniform = 1
    case .sum:
      perElement = nil
      uniform = gradOutput?.scalars[0] ?? 1
    case .mean, .batchmean:  // batchmean: refused on entry
      perElement = nil
      uniform = (gradOutput?.scalars[0] ?? 1) / T(count)
    }
  }

  @inlinable
  subscript(i: Int) -> T { perElement?[i] ?? uniform }
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

/// Pairwise (cascade) summation: error O(log n · ε), like PyTorch's sums.
@inlinable
func accurateSum<T: LossScalar>(_ values: [T]) -> T {
  values.withUnsafeBufferPointer { accurateSum($0) }
}

@inlinable
func accurateSum<T: LossScalar>(_ p: UnsafeBufferPointer<T>) -> T {
  let n = p.count
  if n <= 32 {
    var a: T = 0
    var b: T = 0
    var c: T = 0
    var d: T = 0
    var i = 0
    while i + 4 <= n {
      a += p[i]
      b += p[i + 1]
      c += p[i + 2]
      d += p[i + 3]
      i += 4
    }
    while i < n {
      a += p[i]
      i += 1
    }
    return (a + b) + (c + d)
  }
  let half = (n / 2 + 3) & ~3
  return accurateSum(UnsafeBufferPointer(rebasing: p[..<half]))
    + accurateSum(UnsafeBufferPointer(rebasing: p[half...]))
}
