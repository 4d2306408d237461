import LossCheck

/// An example of a Swift backend under test, with a planted bug: it is the
/// reference, except that CrossEntropyLoss under `mean` ignores `weight`.
///
/// It shows what a report of a wrong implementation looks like
/// (`losscheck run --backend example:wrong-ce --loss CrossEntropyLoss`) and
/// that differential fuzzing finds and shrinks such a bug
/// (`losscheck fuzz --backend example:wrong-ce --against reference`).
public struct CrossEntropyIgnoringWeightUnderMean: LossBackend {
  public let name = "example:wrong-ce"
  public let reference: ReferenceBackend

  public init(reference: ReferenceBackend) { self.reference = reference }

  public func evaluate(_ c: Case) -> CaseResult {
    let mean: Bool
    switch c.options["reduction"] {
    case nil, .string("mean")?: mean = true
    default: mean = false
    }
    let weighted: Bool
    switch c.options["weight"] {
    case nil, .null?: weighted = false
    default: weighted = true
    }
    guard c.loss == "CrossEntropyLoss", mean, weighted else {
      return reference.evaluate(c)
    }
    var unweighted = c
    unweighted.options["weight"] = nil
    return reference.evaluate(unweighted)
  }
}
