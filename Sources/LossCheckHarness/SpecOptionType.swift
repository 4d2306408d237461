extension Spec {
  /// The type a loss spec declares for one option (`options[].type`); the
  /// raw value is the word written in golden/spec/<Loss>.json.
  public enum OptionType: String, Sendable, CaseIterable,
    CustomStringConvertible
  {
    /// One string of the option's `values`.
    case enumeration = "enum"
    /// A number, or "nan", "inf", "-inf" in a case.
    case float
    /// A whole number.
    case int
    /// true or false.
    case bool
    /// Any string.
    case string
    /// A tensor object (null when absent); the grid covers it as
    /// true/false for present/absent.
    case tensor

    /// The spec file's word, e.g. "enum".
    public var description: String { rawValue }
  }
}
