/// A case as one JSON line of the eval protocol (the encoder beside
/// `Case(json:)`, the decoder).
public enum CaseJSON {
  /// The case's protocol line: id, loss, dtype, options, inputs (sorted by
  /// name), grad_wrt and, when the case has one, grad_output. `expected` is
  /// left out: a backend has no use for it. No trailing newline.
  public static func encode(_ c: Case) -> String {
    var o = JSONObject([
      ("id", .string(c.id)), ("loss", .string(c.loss)),
      ("dtype", .string(c.dtype.rawValue)), ("options", .object(c.options)),
    ])
    var inputs = JSONObject()
    for name in c.inputs.keys.sorted() {
      switch c.inputs[name] {
      case .tensor(let t)?: inputs[name] = TensorJSON.encode(t)
      case .number(let x)?: inputs[name] = TensorJSON.number(x)
      case nil: break
      }
    }
    o["inputs"] = .object(inputs)
    o["grad_wrt"] = .array(c.gradWrt.map { .string($0) })
    if let g = c.gradOutput { o["grad_output"] = TensorJSON.encode(g) }
    return JSONWriter.write(.object(o))
  }
}
