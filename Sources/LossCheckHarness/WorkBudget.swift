import LossCheck

/// A ceiling on what one case may make the Swift reference allocate,
/// checked before the loss runs: a case over it gets a `resource_limit`
/// error result instead of an evaluation that could exhaust memory.
///
/// The unit is the element (a Float, a Double, an Int64 or an Int index,
/// all counted alike), so the default is at most 4 GiB of 8-byte elements.
/// ``WorkEstimate`` says what is counted for each loss.
public struct WorkBudget: Sendable, Equatable {
  /// 2^29 elements, at most 4 GiB. The largest line the reader accepts
  /// (256 MiB) holds about 2^25 numbers, and no loss needs more than about
  /// 13 elements of work per input element, so every case that fits a line
  /// and does not broadcast or multiply its class dimension passes; 4 GiB
  /// plus the parsed line leaves most of a 24 GiB machine to the rest.
  public static let defaultMaxElements = 1 << 29

  /// The most elements one evaluation may allocate; at least 1.
  public var maxElements: Int

  /// A budget of `maxElements` (values below 1 are read as 1).
  public init(maxElements: Int = WorkBudget.defaultMaxElements) {
    self.maxElements = max(1, maxElements)
  }

  /// The refusal for `call` when its estimate is over the budget, else nil.
  public func refusal(for call: LossCall) -> ResourceLimit? {
    let estimate = WorkEstimate.elements(call)
    guard estimate > maxElements else { return nil }
    return ResourceLimit(
      loss: call.spec.name, estimate: estimate, limit: maxElements)
  }

  /// `backend` evaluating under this budget: the reference backends get
  /// it; an exec backend (a program, or a Python worker) gets the
  /// budget's answer line limit (``maxLineBytes``) before its first case;
  /// any other backend is returned unchanged.
  public func applied(to backend: any LossBackend) -> any LossBackend {
    if let exec = backend as? ExecBackend {
      exec.maxLineBytes = maxLineBytes
      return exec
    }
    if var r = backend as? ReferenceBackend {
      r.budget = self
      return r
    }
    if let w = backend as? CrossEntropyIgnoringWeightUnderMean {
      var r = w.reference
      r.budget = self
      return CrossEntropyIgnoringWeightUnderMean(reference: r)
    }
    return backend
  }
}

/// A case whose evaluation would allocate more than the work budget.
///
/// Its result is the harness-side error kind `resource_limit`, which no
/// golden case expects, so such a case fails; the run goes on.
public struct ResourceLimit: Error, Sendable, Equatable,
  CustomStringConvertible
{
  /// The error kind of the result.
  public static let kind = HarnessErrorKind.resourceLimit

  /// The loss of the case.
  public var loss: String
  /// The elements the evaluation would allocate (saturating at Int.max).
  public var estimate: Int
  /// The budget it exceeds.
  public var limit: Int

  public var description: String {
    "\(loss): evaluating this case would allocate about \(estimate) "
      + "elements, more than the limit of \(limit) (--max-elements)"
  }

  /// The error result for case `id`.
  public func result(id: String) -> CaseResult {
    CaseResult(
      id: id, outcome: .error(kind: .harness(Self.kind), message: description))
  }
}
