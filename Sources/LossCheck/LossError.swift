/// A loss refused its arguments, as PyTorch refuses the call.
///
/// The ``Kind`` is one of the error kinds of the case schema; the message
/// names the argument, the offending value and what was expected.
public struct LossError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The error kinds of the case schema.
  public enum Kind: String, Sendable, CaseIterable {
    case shapeMismatch = "shape_mismatch"
    case indexOutOfRange = "index_out_of_range"
    case valueOutOfDomain = "value_out_of_domain"
    case invalidOption = "invalid_option"
    case dtypeMismatch = "dtype_mismatch"
  }

  /// The error kind, one of the case schema's.
  public var kind: Kind
  /// What was wrong: the argument's name, the bad value and what was
  /// expected.
  public var message: String

  /// An error of `kind` explained by `message`.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// `kind: message`, with the kind's schema name.
  public var description: String { "\(kind.rawValue): \(message)" }

  static func shape(_ message: String) -> LossError {
    LossError(.shapeMismatch, message)
  }
  static func option(_ message: String) -> LossError {
    LossError(.invalidOption, message)
  }
  static func domain(_ message: String) -> LossError {
    LossError(.valueOutOfDomain, message)
  }
  static func index(_ message: String) -> LossError {
    LossError(.indexOutOfRange, message)
  }
}
