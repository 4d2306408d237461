/// One element where a result differs from the golden, measured against the
/// tolerance.
public struct Discrepancy: Sendable, Equatable {
  /// "output" or "grads.<name>".
  public var field: String
  /// The element's multi-index in the tensor.
  public var index: [Int]
  public var expected: Double
  public var actual: Double
  public var absoluteError: Double
  public var relativeError: Double
  /// Units in the last place of the case dtype between the two values
  /// (nil when either is not finite).
  public var ulps: UInt64?
  /// |actual − expected| / (atol + rtol·|expected|): above 1 fails.
  public var ratio: Double

  /// Makes a discrepancy from its parts (the judge computes them).
  public init(
    field: String, index: [Int], expected: Double, actual: Double,
    absoluteError: Double, relativeError: Double, ulps: UInt64?,
    ratio: Double
  ) {
    self.field = field
    self.index = index
    self.expected = expected
    self.actual = actual
    self.absoluteError = absoluteError
    self.relativeError = relativeError
    self.ulps = ulps
    self.ratio = ratio
  }
}

/// How one tensor of a result compares with the golden's: how many
/// elements were compared, how many are out of tolerance, and the worst
/// of them.
public struct FieldDiagnostic: Sendable, Equatable {
  /// "output" or "grads.<name>".
  public var field: String
  /// The golden's shape (the result's is the same, or nothing is compared).
  public var shape: [Int]
  /// Elements compared (0 when the shapes differ).
  public var compared: Int
  /// Elements whose ratio is above 1.
  public var outOfTolerance: Int
  /// The element with the largest ratio, nil when every element is exact.
  public var worst: Discrepancy?
  /// Up to five more out-of-tolerance elements after the worst, worst
  /// first (ties in row-major order).
  public var others: [Discrepancy]

  /// Makes a field diagnostic from its parts.
  public init(
    field: String, shape: [Int], compared: Int, outOfTolerance: Int,
    worst: Discrepancy?, others: [Discrepancy]
  ) {
    self.field = field
    self.shape = shape
    self.compared = compared
    self.outOfTolerance = outOfTolerance
    self.worst = worst
    self.others = others
  }

  /// The worst ratio of this field (0 when exact).
  public var worstRatio: Double { worst?.ratio ?? 0 }
}

/// One side of a case, as reports show it: the golden's expectation or the
/// backend's answer.
public enum OutcomeSummary: Sendable, Equatable {
  /// A value; `summary` (e.g. "output [] = 0.4; grads input [3, 5]") is
  /// set when the other side is not a value, so both sides show in full.
  case value(summary: String?)
  /// An error of `kind` (reports write its wire word).
  case error(kind: ErrorKind, message: String)
  /// The backend does not implement the case (actual side only).
  case unsupported(reason: String)
  /// The case has no expectation (never in a loaded golden file).
  case none

  /// "value", "error", "unsupported" or "none".
  public var kind: String {
    switch self {
    case .value: "value"
    case .error: "error"
    case .unsupported: "unsupported"
    case .none: "none"
    }
  }
}

/// The judgement of one result against its golden case.
public struct Verdict: Sendable {
  /// Passed, failed, or skipped (the backend answered `unsupported`).
  public enum Status: String, Sendable, Equatable {
    case passed, failed, skipped
  }

  public var id: String
  public var loss: String
  public var dtype: String
  /// The case's options, as written in the golden.
  public var options: JSONObject
  /// The case's tags.
  public var tags: [String]
  public var status: Status
  /// What is wrong, one line each (empty unless failed).
  public var problems: [String]
  public var expected: OutcomeSummary
  public var actual: OutcomeSummary
  /// One per compared tensor (output, then gradients by name); empty unless
  /// both sides are values.
  public var fields: [FieldDiagnostic]
  /// Wall-clock seconds the backend took on the case (0 when not timed).
  public var seconds: Double

  /// Makes a verdict from its parts (the judge, and a report read back).
  public init(
    id: String, loss: String, dtype: String, options: JSONObject = JSONObject(),
    tags: [String] = [], status: Status, problems: [String] = [],
    expected: OutcomeSummary, actual: OutcomeSummary,
    fields: [FieldDiagnostic] = [], seconds: Double = 0
  ) {
    self.id = id
    self.loss = loss
    self.dtype = dtype
    self.options = options
    self.tags = tags
    self.status = status
    self.problems = problems
    self.expected = expected
    self.actual = actual
    self.fields = fields
    self.seconds = seconds
  }

  /// True when the status is `passed`.
  public var passed: Bool { status == .passed }

  /// The worst element over output and gradients, when values were
  /// compared and any differs.
  public var worst: Discrepancy? {
    var best: Discrepancy? = nil
    for f in fields {
      if let w = f.worst, w.ratio > (best?.ratio ?? 0) { best = w }
    }
    return best
  }

  /// The worst error as a fraction of the tolerance (0 when exact or when
  /// nothing numeric was compared).
  public var worstRatio: Double { worst?.ratio ?? 0 }

  /// The worst ratio, or nil when nothing numeric was compared.
  public var comparedRatio: Double? {
    fields.contains { $0.compared > 0 } ? worstRatio : nil
  }
}
