/// The version of LossCheck: the one place it is written down, printed by
/// `losscheck --version` and recorded in reports.
public enum LossCheckVersion {
  /// The version as "major.minor.patch".
  public static let string = "0.2.0"
}
