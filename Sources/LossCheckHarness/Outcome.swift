/// What a loss call comes to: a value, an error, or `unsupported`. A
/// golden case's expectation (``Case/expected``) and a backend's answer
/// (``CaseResult/outcome``) are both outcomes.
///
/// `unsupported` is an answer only: a golden file whose expectation says
/// it is refused when read, and the judge fails a case built in code that
/// expects it.
public enum Outcome: Sendable {
  /// The loss's output and the gradients asked for, by input name.
  case value(output: AnyTensor, grads: [String: AnyTensor])
  /// A refusal; the judge compares `kind` with the expected one.
  case error(kind: ErrorKind, message: String)
  /// The backend does not implement this loss, option, dtype or input
  /// form; `reason` says what is missing, e.g. "label_smoothing".
  case unsupported(reason: String)
}
