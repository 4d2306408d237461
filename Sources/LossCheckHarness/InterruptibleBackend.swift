/// A backend that stops answering once SIGINT or SIGTERM came
/// (``Interruption``): every case after the signal gets an `interrupted`
/// error result at once, without calling the wrapped backend. For
/// in-process backends (the reference), which have no process to kill.
public struct InterruptibleBackend: LossBackend {
  /// The backend that answers until a signal comes.
  public let base: any LossBackend

  /// Wraps `base`; its name is the report's backend name.
  public init(_ base: any LossBackend) { self.base = base }

  public var name: String { base.name }

  public func evaluate(_ c: Case) -> CaseResult {
    if let sig = Interruption.requested {
      return CaseResult(
        id: c.id,
        outcome: .error(
          kind: .harness(.interrupted),
          message: "the run was stopped by \(Interruption.name(of: sig)) "
            + "before this case"))
    }
    return base.evaluate(c)
  }
}
