import LossCheck
import Testing

/// Expects `body` to throw a ``LossError`` of `kind` whose message
/// mentions every string of `mentioning` (the argument's name, the bad
/// value); records an issue at the caller otherwise. Returns the error, if
/// any, for further checks.
@discardableResult
public func expectRefusal<R>(
  _ body: () throws(LossError) -> R, kind: LossError.Kind,
  mentioning: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
) -> LossError? {
  do {
    let result = try body()
    Issue.record(
      "expected \(kind.rawValue), got a result: \(result)",
      sourceLocation: sourceLocation)
    return nil
  } catch {
    if error.kind != kind {
      Issue.record(
        "expected \(kind.rawValue), got \(error)",
        sourceLocation: sourceLocation)
    }
    for word in mentioning where !error.message.contains(word) {
      Issue.record(
        "the message does not mention '\(word)': \(error.message)",
        sourceLocation: sourceLocation)
    }
    return error
  }
}

/// The error `body` throws, or nil when it returns: for tests that compare
/// two refusals (e.g. the same error in Float and Double).
public func refusal<R>(_ body: () throws(LossError) -> R) -> LossError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error
  }
}
