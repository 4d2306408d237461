import Foundation
import LossCheck
import LossCheckHarness

/// How one benchmark tensor is filled: a shape, a fill kind and its
/// parameters, from a golden/benchmark.json entry such as
/// `{"shape": [4096, 1024], "fill": "uniform", "range": [-4, 4], "seed": 1}`.
/// Every fill draws from SplitMix64 seeded with `seed`, so each run times
/// the same values.
struct WorkloadFill: Sendable {
  /// The fill kinds; docs/BENCHMARK_WORKLOAD.md says what each draws.
  enum Kind: String, Sendable {
    case uniform, signs, bits, indices, constant, multilabel
    case logSoftmax = "log_softmax"
    case softmax
  }

  /// The largest tensor a row may ask for, in elements.
  static let maxCount = 1 << 28

  var shape: [Int]
  var kind: Kind
  var lo = 0.0
  var hi = 1.0
  var seed: UInt64 = 0
  var value: Int64 = 0

  /// Reads one fill, refusing with the field at fault.
  init(_ v: JSONValue, field: String, file: String) throws(WorkloadError) {
    func fail(_ what: String) -> WorkloadError {
      WorkloadError(file: file, field: field, what)
    }
    guard case .string(let k)? = v["fill"], let kind = Kind(rawValue: k) else {
      let got = v["fill"].map(JSONWriter.write) ?? "none"
      throw fail("fill: missing or unknown (\(got))")
    }
    self.kind = kind
    guard case .array(let dims)? = v["shape"] else {
      throw fail("shape: missing")
    }
    var shape: [Int] = []
    var count = 1
    for d in dims {
      guard case .number(let t) = d, let n = Int(t), n >= 0 else {
        throw fail("shape: \(JSONWriter.write(d)) is not a size")
      }
      let (c, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow, c <= Self.maxCount else {
        throw fail("shape: more than \(Self.maxCount) elements")
      }
      count = c
      shape.append(n)
    }
    self.shape = shape
    if case .number(let t)? = v["seed"] {
      guard let s = UInt64(t) else { throw fail("seed: \(t) is not a seed") }
      seed = s
    }
    switch kind {
    case .uniform, .logSoftmax, .softmax, .indices, .multilabel:
      guard case .array(let r)? = v["range"], r.count == 2,
        case .number(let a) = r[0], let lo = Double(a),
        case .number(let b) = r[1], let hi = Double(b), lo < hi
      else { throw fail("range: expected [lo, hi] with lo < hi") }
      self.lo = lo
      self.hi = hi
    case .signs, .bits, .constant: break
    }
    switch kind {
    case .indices, .multilabel:
      guard lo.rounded() == lo, hi.rounded() == hi, abs(hi) < 1e15,
        abs(lo) < 1e15
      else { throw fail("range: expected integers") }
    case .logSoftmax, .softmax:
      guard let last = shape.last, last > 0 else {
        throw fail("shape: a softmax needs a last dimension")
      }
    case .constant:
      guard case .number(let t)? = v["value"], let x = Int64(t) else {
        throw fail("value: expected an integer")
      }
      value = x
    default: break
    }
    if kind == .multilabel, shape.count != 2 {
      throw fail("shape: multilabel targets are (rows, classes)")
    }
  }

  /// The filled tensor: int64 for indices, multilabel and constant, else
  /// `dtype`.
  func tensor(_ dtype: DType) -> AnyTensor {
    var g = SplitMix64(state: seed)
    let n = shape.reduce(1, *)
    switch kind {
    case .uniform:
      return Self.floats(shape, dtype, (0..<n).map { _ in g.uniform(lo, hi) })
    case .signs:
      return Self.floats(
        shape, dtype, (0..<n).map { _ in g.next() & 1 == 0 ? -1 : 1 })
    case .bits:
      return Self.floats(
        shape, dtype, (0..<n).map { _ in Double(g.next() & 1) })
    case .indices:
      let (a, b) = (Int64(lo), Int64(hi))
      return Self.ints(shape, (0..<n).map { _ in g.int(a, b) })
    case .constant:
      return Self.ints(shape, Array(repeating: value, count: n))
    case .multilabel:
      let (rows, cols) = (shape[0], shape[1])
      var t = [Int64](repeating: 0, count: n)
      for r in 0..<rows {
        let stop = Int(g.int(Int64(lo), Int64(hi)))
        for c in 0..<cols {
          t[r * cols + c] = c == stop ? -1 : g.int(0, Int64(cols))
        }
      }
      return Self.ints(shape, t)
    case .logSoftmax, .softmax:
      return Self.floats(shape, dtype, softmaxRows(&g, n))
    }
  }

  /// Row-wise log_softmax (or softmax) over the last dimension of uniform
  /// values in [lo, hi).
  private func softmaxRows(_ g: inout SplitMix64, _ n: Int) -> [Double] {
    let cols = shape.last ?? 1
    let rows = cols == 0 ? 0 : n / cols
    var v = [Double](repeating: 0, count: n)
    for r in 0..<rows {
      var m = -Double.infinity
      for c in 0..<cols {
        v[r * cols + c] = g.uniform(lo, hi)
        m = max(m, v[r * cols + c])
      }
      var s = 0.0
      for c in 0..<cols { s += exp(v[r * cols + c] - m) }
      let lse = m + log(s)
      for c in 0..<cols {
        v[r * cols + c] -= lse
        if kind == .softmax { v[r * cols + c] = exp(v[r * cols + c]) }
      }
    }
    return v
  }

  static func floats(_ shape: [Int], _ dtype: DType, _ v: [Double]) -> AnyTensor
  {
    switch dtype {
    case .float32:
      return .float32(
        (try? Tensor(shape: shape, scalars: v.map { Float($0) })) ?? Tensor(0))
    case .float16, .bfloat16:
      // Inputs rounded once to the dtype, as a half kernel receives them.
      let t =
        (try? Tensor(
          shape: shape,
          scalars: v.map { HalfRounding.round($0, to: dtype) })) ?? Tensor(0)
      return dtype == .float16 ? .float16(t) : .bfloat16(t)
    default:
      return .float64((try? Tensor(shape: shape, scalars: v)) ?? Tensor(0))
    }
  }

  static func ints(_ shape: [Int], _ v: [Int64]) -> AnyTensor {
    .int64((try? Tensor(shape: shape, scalars: v)) ?? Tensor(0))
  }
}

/// SplitMix64, so every run times the same inputs.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A double in [lo, hi).
  mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
    lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
  }

  /// An integer in [lo, hi); `hi > lo`.
  mutating func int(_ lo: Int64, _ hi: Int64) -> Int64 {
    lo + Int64(bitPattern: next() % UInt64(hi - lo))
  }
}
