/// One point of a loss's option grid in one dtype: the spec asks that a
/// golden value case covers it.
///
/// Its text form (``description``), which reports write, is
/// `Loss/dtype: name=value name=value`, each value compact JSON (a tensor
/// option's value is true or false, for present or absent), e.g.
/// `L1Loss/float64: reduction="sum"`; ``init(_:)`` reads it back.
public struct GridPoint: Sendable, Hashable, LosslessStringConvertible {
  /// One option set to one value.
  public struct Assignment: Sendable, Equatable {
    /// The option's name.
    public var option: String
    /// Its value (a tensor option's: true or false, present or absent).
    public var value: JSONValue

    /// Sets `option` to `value`.
    public init(option: String, value: JSONValue) {
      self.option = option
      self.value = value
    }
  }

  /// The loss.
  public var loss: String
  /// The dtype the covering case computes in.
  public var dtype: DType
  /// The options, in the spec's grid order (empty for a loss without a
  /// grid).
  public var assignments: [Assignment]

  /// A point of `loss` in `dtype`.
  public init(loss: String, dtype: DType, assignments: [Assignment]) {
    self.loss = loss
    self.dtype = dtype
    self.assignments = assignments
  }

  /// The options alone, e.g. `reduction="mean" delta=0.5` (empty when
  /// there are none).
  public var options: String {
    assignments.map { "\($0.option)=\(JSONWriter.write($0.value))" }
      .joined(separator: " ")
  }

  /// `Loss/dtype: options` (with the space after the colon even when there
  /// are no options).
  public var description: String {
    "\(loss)/\(dtype.rawValue): \(options)"
  }

  /// Reads the text form; nil unless `description` of the result is
  /// exactly `text` (a loss name holding "/", a dtype the harness does not
  /// know, an option without "=" or a value that is not JSON are refused).
  public init?(_ text: String) {
    guard let slash = text.firstIndex(of: "/"),
      let colon = text[slash...].firstRange(of: ": ")
    else { return nil }
    let word = text[text.index(after: slash)..<colon.lowerBound]
    guard let dtype = DType(rawValue: String(word)) else { return nil }
    guard let assignments = Self.assignments(text[colon.upperBound...])
    else { return nil }
    self.init(
      loss: String(text[..<slash]), dtype: dtype, assignments: assignments)
    guard description == text else { return nil }
  }

  /// `name=value` pairs separated by one space; a value is compact JSON,
  /// so a space outside a JSON string ends it.
  static func assignments(_ text: Substring) -> [Assignment]? {
    var result: [Assignment] = []
    var rest = text[...]
    while !rest.isEmpty {
      guard let eq = rest.firstIndex(of: "=") else { return nil }
      let name = String(rest[..<eq])
      var end = rest.index(after: eq)
      var inString = false
      var escaped = false
      while end < rest.endIndex {
        let ch = rest[end]
        if inString {
          if escaped {
            escaped = false
          } else if ch == "\\" {
            escaped = true
          } else if ch == "\"" {
            inString = false
          }
        } else if ch == "\"" {
          inString = true
        } else if ch == " " {
          break
        }
        end = rest.index(after: end)
      }
      let token = rest[rest.index(after: eq)..<end]
      // An option name is one word: a space in it means two spaces in a
      // row, which the text form never has.
      guard !name.isEmpty, !name.contains(" "),
        let value = try? JSONParser.parse(String(token))
      else { return nil }
      result.append(Assignment(option: name, value: value))
      rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
    }
    return result
  }

  /// Equal when the text forms are (a value's JSON as written).
  public static func == (a: GridPoint, b: GridPoint) -> Bool {
    a.description == b.description
  }

  /// Hashes the text form (consistent with `==`).
  public func hash(into hasher: inout Hasher) {
    hasher.combine(description)
  }
}
