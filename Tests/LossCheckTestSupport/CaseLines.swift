/// Case lines of the eval protocol written by hand in tests, as JSON text:
/// the form a backend or `losscheck eval` reads.
public enum CaseLines {
  /// One tensor of the case schema: `dtype`, `shape` and the elements as
  /// they are to appear between the brackets (a literal, so that a test
  /// can write a value no encoder would).
  public static func tensor(
    _ dtype: String, _ shape: [Int], _ data: String = ""
  ) -> String {
    let dims = shape.map(String.init).joined(separator: ",")
    return #"{"dtype":"\#(dtype)","shape":[\#(dims)],"data":[\#(data)]}"#
  }

  /// A 1-d tensor of `data`, each element as Swift writes a Double.
  public static func tensor(_ dtype: String, _ data: [Double]) -> String {
    tensor(
      dtype, [data.count], data.map { "\($0)" }.joined(separator: ","))
  }

  /// One case line: `inputs` are (name, tensor JSON) pairs, `options` a
  /// JSON object, and the gradient of `wrt` asked for.
  public static func line(
    id: String, loss: String, dtype: String, _ inputs: [(String, String)],
    options: String = "{}", wrt: String = "input"
  ) -> String {
    let ins = inputs.map { #""\#($0.0)":\#($0.1)"# }.joined(separator: ",")
    return #"{"id":"\#(id)","loss":"\#(loss)","dtype":"\#(dtype)","#
      + #""options":\#(options),"grad_wrt":["\#(wrt)"],"inputs":{\#(ins)}}"#
  }
}
