import Foundation
import LossCheck
import LossCheckHarness

/// The benchmark workload, read from golden/benchmark.json (which
/// scripts/bench_torch.py reads too): one forward plus backward pass per
/// row, for the inputs the row names in `wrt`.
enum Workload {
  /// One row: a loss, its options and inputs (as fills), and `wrt`.
  struct Row: Sendable {
    /// An option value: plain JSON, or a tensor filled for the dtype.
    enum Option: Sendable {
      case plain(JSONValue)
      case tensor(WorkloadFill)
    }

    var loss: String
    var options: [(String, Option)]
    var inputs: [(String, WorkloadFill)]
    var wrt: [String]

    /// The row as a case of `dtype` for the reference backend.
    func make(_ dtype: DType) -> Case {
      let opts: [(String, JSONValue)] = options.map { name, o in
        switch o {
        case .plain(let v): (name, v)
        case .tensor(let f): (name, TensorJSON.encode(f.tensor(dtype)))
        }
      }
      var ins: [String: Case.Input] = [:]
      for (name, f) in inputs { ins[name] = .tensor(f.tensor(dtype)) }
      return Case(
        id: "bench/\(loss)", loss: loss, dtype: dtype,
        options: JSONObject(opts), inputs: ins, gradWrt: wrt)
    }
  }

  /// Reads `benchmark.json` of a golden directory. A missing file, bad
  /// JSON or a malformed row is a `WorkloadError` naming the field.
  static func load(goldenDirectory dir: String) throws(WorkloadError) -> [Row] {
    let path = "\(dir)/benchmark.json"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw WorkloadError(file: path, field: "", "cannot read the file")
    }
    let top: JSONValue
    do {
      top = try JSONParser.parse(data)
    } catch {
      throw WorkloadError(file: path, field: "", error.description)
    }
    guard case .array(let list)? = top["rows"] else {
      throw WorkloadError(file: path, field: "rows", "missing or not an array")
    }
    var rows: [Row] = []
    for (i, v) in list.enumerated() {
      rows.append(try row(v, field: "rows[\(i)]", file: path))
    }
    return rows
  }

  static func row(
    _ v: JSONValue, field: String, file: String
  ) throws(WorkloadError) -> Row {
    guard case .string(let loss)? = v["loss"] else {
      throw WorkloadError(file: file, field: "\(field).loss", "missing")
    }
    let at = "\(field) (\(loss))"
    var options: [(String, Row.Option)] = []
    switch v["options"] {
    case nil: break
    case .object(let o)?:
      for (name, value) in o.pairs {
        if value["fill"] != nil {
          let f = try WorkloadFill(
            value, field: "\(at).options.\(name)", file: file)
          options.append((name, .tensor(f)))
        } else {
          options.append((name, .plain(value)))
        }
      }
    case let other?:
      throw WorkloadError(
        file: file, field: "\(at).options",
        "expected an object, got \(other.typeName)")
    }
    guard case .object(let ins)? = v["inputs"] else {
      throw WorkloadError(file: file, field: "\(at).inputs", "missing")
    }
    var inputs: [(String, WorkloadFill)] = []
    for (name, value) in ins.pairs {
      let f = try WorkloadFill(value, field: "\(at).inputs.\(name)", file: file)
      inputs.append((name, f))
    }
    var wrt: [String] = []
    if case .array(let names)? = v["wrt"] {
      for n in names {
        guard case .string(let s) = n, ins[s] != nil else {
          throw WorkloadError(
            file: file, field: "\(at).wrt",
            "\(JSONWriter.write(n)) is not one of the row's inputs")
        }
        wrt.append(s)
      }
    }
    return Row(loss: loss, options: options, inputs: inputs, wrt: wrt)
  }
}

/// Why golden/benchmark.json could not be read.
struct WorkloadError: Error, CustomStringConvertible {
  var file: String
  var field: String
  var message: String

  init(file: String, field: String, _ message: String) {
    self.file = file
    self.field = field
    self.message = message
  }

  var description: String {
    field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
  }
}
