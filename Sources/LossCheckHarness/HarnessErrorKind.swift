/// The error kinds the harness itself gives a result, never PyTorch: a
/// golden case cannot expect one, so a case answered with one fails. The
/// raw value is the word written in result and report JSON.
public enum HarnessErrorKind: String, Sendable, CaseIterable,
  CustomStringConvertible
{
  /// The backend process exited, was killed, or could not be started or
  /// written to.
  case backendCrashed = "backend_crashed"
  /// No answer by the case's deadline.
  case backendTimeout = "backend_timeout"
  /// The answer was not a result line, or a line out of step with the
  /// cases.
  case backendBadAnswer = "backend_bad_answer"
  /// An embedded Python backend raised.
  case backendError = "backend_error"
  /// SIGINT or SIGTERM came before the case was evaluated.
  case interrupted
  /// Evaluating the case would allocate more than the work budget.
  case resourceLimit = "resource_limit"

  /// The wire word, e.g. "backend_crashed".
  public var description: String { rawValue }
}
