import Foundation

/// The declarative spec: golden/spec.json (dtypes, tolerances) and one
/// golden/spec/<Loss>.json per loss (inputs, options, grid). The NumPy
/// generator reads the same files.
public struct Spec: Sendable {
  public struct Input: Sendable {
    public var name: String
    /// The declared dtype (float when the spec names none).
    public var dtype: InputDType
    public var differentiable: Bool
    /// Whether a plain JSON number is accepted (GaussianNLL's `var`).
    public var numberAllowed: Bool
  }

  public struct Option: Sendable {
    public var name: String
    /// The declared type.
    public var type: OptionType
    public var values: [String]
    public var defaultValue: JSONValue
    public var nullable: Bool
    public var deprecated: Bool
    /// The documented domain, e.g. "> 0", for `losscheck list`.
    public var domain: String?
  }

  public struct Loss: Sendable {
    public var name: String
    public var family: String
    public var summary: String
    public var inputs: [Input]
    public var options: [Option]
    /// Option name → the values the goldens must cover (tensor options:
    /// true/false for present/absent).
    public var grid: [(String, [JSONValue])]
    public var elementwiseMeanAlias: Bool

    public func option(_ name: String) -> Option? {
      options.first { $0.name == name }
    }

    /// Every grid point, as (option, value) lists.
    public var gridPoints: [[(String, JSONValue)]] {
      var points: [[(String, JSONValue)]] = [[]]
      for (name, values) in grid {
        points = points.flatMap { p in values.map { p + [(name, $0)] } }
      }
      return points
    }
  }

  public var dtypes: [DType]
  public var tolerances: [DType: Tolerance]
  public var losses: [String: Loss]

  /// The losses in golden/spec.json's `"losses"` order (the one canonical
  /// order of the project).
  public var lossOrder: [String] = []

  /// Loss names in `lossOrder`; a loss with a spec file but missing from
  /// the list comes after, by name.
  public var lossNames: [String] {
    lossOrder.filter { losses[$0] != nil }
      + losses.keys.filter { !lossOrder.contains($0) }.sorted()
  }

  public func tolerance(for c: Case) -> Tolerance {
    c.tolerance ?? tolerances[c.dtype] ?? Tolerance(rtol: 0, atol: 0)
  }
}
