/// A loss's output and the gradients (vector–Jacobian products) of the
/// inputs that were asked for.
public struct LossValue<T: LossScalar>: Sendable {
  /// The loss: 0-d for `mean` and `sum`, unreduced for `none`.
  public var value: Tensor<T>
  /// Gradients by PyTorch's parameter name (`input`, `target`, `var`, …).
  public var gradients: Gradients<T>

  public init(value: Tensor<T>, gradients: Gradients<T> = Gradients()) {
    self.value = value
    self.gradients = gradients
  }
}

/// Gradients by input name; `gradients.input` reads the one named `input`.
@dynamicMemberLookup
public struct Gradients<T: LossScalar>: Sendable {
  public var byName: [String: Tensor<T>]

  public init(_ byName: [String: Tensor<T>] = [:]) { self.byName = byName }

  public subscript(dynamicMember name: String) -> Tensor<T>? {
    byName[name]
  }

  public subscript(name: String) -> Tensor<T>? {
    get { byName[name] }
    set { byName[name] = newValue }
  }
}

/// Which inputs a caller wants gradients for.
public struct GradientRequest: Sendable, ExpressibleByArrayLiteral {
  public var names: Set<String>
  public init(_ names: Set<String>) { self.names = names }
  public init(arrayLiteral elements: String...) { names = Set(elements) }
  public func contains(_ name: String) -> Bool { names.contains(name) }
  /// No gradients: the forward pass only.
  public static var none: GradientRequest { GradientRequest([]) }
}
