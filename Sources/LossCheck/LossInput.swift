/// A differentiable argument of a loss, by PyTorch's parameter name.
///
/// The raw value is the name PyTorch gives the argument (and the name the
/// case schema uses in `inputs` and `grad_wrt`): `variance` is `var`,
/// `logProbs` is `log_probs`. Only floating arguments are listed; integer
/// arguments (class indices, CTC's `targets` and lengths) have no gradient.
///
/// Each loss documents which of these it takes. Asking a loss for the
/// gradient of an argument it does not take gives no gradient for it.
/// Where PyTorch refuses a gradient, so does the loss: CrossEntropyLoss for
/// a class-index target (`dtype_mismatch`), SoftMarginLoss for its target
/// and GaussianNLLLoss for a plain-number `var` (`invalid_option`).
public enum LossInput: String, CaseIterable, Hashable, Sendable {
  /// `input`: the prediction (scores, logits, probabilities, log-rates).
  case input
  /// `target`: the ground truth, when it is floating.
  case target
  /// `var`: GaussianNLLLoss's predicted variance.
  case variance = "var"
  /// `input1`: the first of two compared inputs (MarginRanking,
  /// CosineEmbedding).
  case input1
  /// `input2`: the second of two compared inputs.
  case input2
  /// `anchor`: the anchor of a triplet loss.
  case anchor
  /// `positive`: the triplet's positive example.
  case positive
  /// `negative`: the triplet's negative example.
  case negative
  /// `log_probs`: CTCLoss's per-frame log-probabilities.
  case logProbs = "log_probs"

  /// The argument PyTorch names `name` (`"var"`, `"log_probs"`, …), or nil
  /// when no floating argument of any loss has that name.
  public init?(pytorchName name: String) { self.init(rawValue: name) }

  /// The name PyTorch (and the case schema) gives this argument.
  public var pytorchName: String { rawValue }
}
