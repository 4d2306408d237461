/// A loss's output and the gradients (vector–Jacobian products) of the
/// arguments that were asked for.
public struct LossValue<T: LossScalar>: Sendable {
  /// The loss: 0-d for `mean`, `sum` and `batchmean`, unreduced (in the
  /// loss's documented output shape) for `none`.
  public var value: Tensor<T>
  /// The gradients, by argument: `gradients[.input]`.
  public var gradients: Gradients<T>

  /// A value with the given gradients (none by default).
  public init(value: Tensor<T>, gradients: Gradients<T> = Gradients()) {
    self.value = value
    self.gradients = gradients
  }
}

/// Gradients by argument: `gradients[.input]`, `gradients[.logProbs]`.
///
/// Each gradient has the shape of its argument (broadcast arguments get
/// their gradient summed back to their own shape). An argument that was
/// not asked for, or that the loss does not take, has none (nil).
public struct Gradients<T: LossScalar>: Sendable {
  /// The gradients present, by argument.
  public var byInput: [LossInput: Tensor<T>]

  /// Gradients from a dictionary (empty by default).
  public init(_ byInput: [LossInput: Tensor<T>] = [:]) {
    self.byInput = byInput
  }

  /// The gradient of `input`, or nil when it was not computed; setting nil
  /// removes it.
  public subscript(_ input: LossInput) -> Tensor<T>? {
    get { byInput[input] }
    set { byInput[input] = newValue }
  }

  /// The arguments that have a gradient, in ``LossInput`` declaration
  /// order.
  public var inputs: [LossInput] {
    LossInput.allCases.filter { byInput[$0] != nil }
  }
}

/// The arguments a caller wants gradients for: `[.input, .target]`.
///
/// An empty request (``none``) runs the forward pass only. Naming an
/// argument the loss does not take is not an error: it gets no gradient.
public struct GradientRequest: Sendable, Hashable, ExpressibleByArrayLiteral {
  /// The arguments asked for.
  public var inputs: Set<LossInput>

  /// A request for the gradients of `inputs`.
  public init(_ inputs: Set<LossInput>) { self.inputs = inputs }

  /// A request written as an array literal: `[.input, .target]`.
  public init(arrayLiteral elements: LossInput...) {
    inputs = Set(elements)
  }

  /// Whether the gradient of `input` is asked for.
  public func contains(_ input: LossInput) -> Bool {
    inputs.contains(input)
  }

  /// Whether no gradient at all is asked for.
  public var isEmpty: Bool { inputs.isEmpty }

  /// No gradients: the forward pass only.
  public static var none: GradientRequest { GradientRequest([]) }
}
