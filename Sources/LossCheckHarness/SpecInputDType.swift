extension Spec {
  /// The dtype a loss spec declares for one input (`inputs[].dtype`); the
  /// raw value is the word written in golden/spec/<Loss>.json.
  public enum InputDType: String, Sendable, CaseIterable,
    CustomStringConvertible
  {
    /// A floating tensor in the case's dtype (the default when a spec
    /// names no dtype).
    case float
    /// A tensor of int64 (class indices, lengths).
    case int64
    /// Either: the loss reads int64 and floating targets differently
    /// (CrossEntropy's class indices or probabilities).
    case any

    /// The spec file's word, e.g. "int64".
    public var description: String { rawValue }
  }
}
