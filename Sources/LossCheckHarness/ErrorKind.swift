import LossCheck

/// The kind of an error outcome: one of the case schema's loss kinds, one
/// of the harness's own, or a word neither knows (a foreign backend may
/// answer any string; the judge reports it as written, and it meets no
/// expected kind but itself).
///
/// Two kinds are equal when their wire words are, so `.unknown` holding a
/// known word equals the known case.
public enum ErrorKind: Sendable, Hashable, RawRepresentable,
  CustomStringConvertible
{
  /// A refusal PyTorch makes too (`shape_mismatch`, `invalid_option`, …).
  case loss(LossError.Kind)
  /// A failure the harness gives (`backend_crashed`, …).
  case harness(HarnessErrorKind)
  /// Any other word, kept as written.
  case unknown(String)

  /// The kind whose wire word is `rawValue`; a word no enum knows is
  /// `.unknown(rawValue)`. Never nil.
  public init(rawValue: String) {
    if let k = LossError.Kind(rawValue: rawValue) {
      self = .loss(k)
    } else if let k = HarnessErrorKind(rawValue: rawValue) {
      self = .harness(k)
    } else {
      self = .unknown(rawValue)
    }
  }

  /// The wire word, e.g. "shape_mismatch".
  public var rawValue: String {
    switch self {
    case .loss(let k): k.rawValue
    case .harness(let k): k.rawValue
    case .unknown(let word): word
    }
  }

  /// The wire word, as messages and reports write it.
  public var description: String { rawValue }

  /// Equal when the wire words are.
  public static func == (a: ErrorKind, b: ErrorKind) -> Bool {
    a.rawValue == b.rawValue
  }

  /// Hashes the wire word (consistent with `==`).
  public func hash(into hasher: inout Hasher) {
    hasher.combine(rawValue)
  }
}
