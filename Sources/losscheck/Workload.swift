import Foundation
import LossCheck
import LossCheckHarness

/// The fixed workload of BENCHMARK.md, as cases for the reference backend:
/// one forward plus backward per row, for the inputs marked ∂.
enum Workload {
  static let e = 1 << 22

  struct Row: Sendable {
    var loss: String
    var make: @Sendable (DType) -> Case
  }

  /// SplitMix64, so every run times the same inputs.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
      lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }
    mutating func int(_ lo: Int, _ hi: Int) -> Int64 {
      Int64(lo) + Int64(next() % UInt64(hi - lo))
    }
  }

  static func tensor(_ shape: [Int], _ dtype: DType, _ values: [Double]) -> AnyTensor {
    switch dtype {
    case .float32:
      return .float32((try? Tensor(shape: shape, scalars: values.map { Float($0) })) ?? Tensor(0))
    default:
      return .float64((try? Tensor(shape: shape, scalars: values)) ?? Tensor(0))
    }
  }

  static func uniform(
    _ shape: [Int], _ dtype: DType, _ lo: Double = -1, _ hi: Double = 1, seed: UInt64
  ) -> AnyTensor {
    var g = Generator(state: seed)
    let n = shape.reduce(1, *)
    return tensor(shape, dtype, (0..<n).map { _ in g.uniform(lo, hi) })
  }

  static func signs(_ shape: [Int], _ dtype: DType, seed: UInt64) -> AnyTensor {
    var g = Generator(state: seed)
    let n = shape.reduce(1, *)
    return tensor(shape, dtype, (0..<n).map { _ in g.next() & 1 == 0 ? -1 : 1 })
  }

  static func indices(_ shape: [Int], _ lo: Int, _ hi: Int, seed: UInt64) -> AnyTensor {
    var g = Generator(state: seed)
    let n = shape.reduce(1, *)
    return .int64((try? Tensor(shape: shape, scalars: (0..<n).map { _ in g.int(lo, hi) })) ?? Tensor(0))
  }

  /// Row-wise log_softmax (or softmax) of uniform values, over the last dim.
  static func logSoftmax(
    _ rows: Int, _ cols: Int, _ dtype: DType, seed: UInt64, exponentiate: Bool = false
  ) -> AnyTensor {
    var g = Generator(state: seed)
    var v = [Double](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      var m = -Double.infinity
      for c in 0..<cols {
        v[r * cols + c] = g.uniform(-3, 3)
        m = max(m, v[r * cols + c])
      }
      var s = 0.0
      for c in 0..<cols { s += exp(v[r * cols + c] - m) }
      let lse = m + log(s)
      for c in 0..<cols {
        v[r * cols + c] -= lse
        if exponentiate { v[r * cols + c] = exp(v[r * cols + c]) }
      }
    }
    return tensor([rows, cols], dtype, v)
  }

  static func number(_ x: Double) -> JSONValue { .number("\(x)") }

  static func make(
    _ loss: String, _ dtype: DType, options: [(String, JSONValue)] = [],
    inputs: [String: AnyTensor], wrt: [String]
  ) -> Case {
    Case(
      id: "bench/\(loss)", loss: loss, dtype: dtype, options: JSONObject(options),
      inputs: inputs.mapValues { .tensor($0) }, gradWrt: wrt)
  }

  static let rows: [Row] = [
    Row(loss: "L1Loss") { d in
      make("L1Loss", d, inputs: ["input": uniform([e], d, seed: 1), "target": uniform([e], d, seed: 2)], wrt: ["input"])
    },
    Row(loss: "MSELoss") { d in
      make("MSELoss", d, inputs: ["input": uniform([e], d, seed: 1), "target": uniform([e], d, seed: 2)], wrt: ["input"])
    },
    Row(loss: "HuberLoss") { d in
      make("HuberLoss", d, inputs: ["input": uniform([e], d, -3, 3, seed: 1), "target": uniform([e], d, seed: 2)], wrt: ["input"])
    },
    Row(loss: "SmoothL1Loss") { d in
      make(
        "SmoothL1Loss", d, options: [("beta", number(0.5))],
        inputs: ["input": uniform([e], d, -3, 3, seed: 1), "target": uniform([e], d, seed: 2)], wrt: ["input"])
    },
    Row(loss: "PoissonNLLLoss") { d in
      make(
        "PoissonNLLLoss", d,
        inputs: ["input": uniform([e], d, seed: 1), "target": uniform([e], d, 0, 5, seed: 2)], wrt: ["input"])
    },
    Row(loss: "GaussianNLLLoss") { d in
      make(
        "GaussianNLLLoss", d,
        inputs: [
          "input": uniform([e / 8, 8], d, seed: 1), "target": uniform([e / 8, 8], d, seed: 2),
          "var": uniform([e / 8, 8], d, 0.1, 2, seed: 3),
        ], wrt: ["input"])
    },
    Row(loss: "KLDivLoss") { d in
      make(
        "KLDivLoss", d, options: [("reduction", .string("batchmean"))],
        inputs: [
          "input": logSoftmax(4096, 1024, d, seed: 1),
          "target": logSoftmax(4096, 1024, d, seed: 2, exponentiate: true),
        ], wrt: ["input"])
    },
    Row(loss: "BCELoss") { d in
      make(
        "BCELoss", d,
        inputs: ["input": uniform([e], d, 0.01, 0.99, seed: 1), "target": uniform([e], d, 0, 1, seed: 2)],
        wrt: ["input"])
    },
    Row(loss: "BCEWithLogitsLoss") { d in
      make(
        "BCEWithLogitsLoss", d,
        options: [("pos_weight", TensorJSON.encode(uniform([1024], d, 0.5, 2, seed: 3)))],
        inputs: [
          "input": uniform([e / 1024, 1024], d, -4, 4, seed: 1),
          "target": uniform([e / 1024, 1024], d, 0, 1, seed: 2),
        ], wrt: ["input"])
    },
    Row(loss: "SoftMarginLoss") { d in
      make(
        "SoftMarginLoss", d,
        inputs: ["input": uniform([e], d, -3, 3, seed: 1), "target": signs([e], d, seed: 2)], wrt: ["input"])
    },
    Row(loss: "CrossEntropyLoss") { d in
      make(
        "CrossEntropyLoss", d, options: [("label_smoothing", number(0.1))],
        inputs: ["input": uniform([2048, 8192], d, -4, 4, seed: 1), "target": indices([2048], 0, 8192, seed: 2)],
        wrt: ["input"])
    },
    Row(loss: "NLLLoss") { d in
      make(
        "NLLLoss", d,
        inputs: ["input": logSoftmax(65536, 64, d, seed: 1), "target": indices([65536], 0, 64, seed: 2)],
        wrt: ["input"])
    },
    Row(loss: "MultiLabelSoftMarginLoss") { d in
      var g = Generator(state: 2)
      let t = tensor([4096, 1024], d, (0..<(4096 * 1024)).map { _ in Double(g.next() & 1) })
      return make(
        "MultiLabelSoftMarginLoss", d,
        inputs: ["input": uniform([4096, 1024], d, -4, 4, seed: 1), "target": t], wrt: ["input"])
    },
    Row(loss: "MarginRankingLoss") { d in
      make(
        "MarginRankingLoss", d, options: [("margin", number(0.1))],
        inputs: [
          "input1": uniform([e], d, seed: 1), "input2": uniform([e], d, seed: 2),
          "target": signs([e], d, seed: 3),
        ], wrt: ["input1", "input2"])
    },
    Row(loss: "HingeEmbeddingLoss") { d in
      make(
        "HingeEmbeddingLoss", d,
        inputs: ["input": uniform([e], d, -2, 2, seed: 1), "target": signs([e], d, seed: 2)], wrt: ["input"])
    },
    Row(loss: "MultiLabelMarginLoss") { d in
      var g = Generator(state: 2)
      var t = [Int64](repeating: 0, count: 4096 * 256)
      for r in 0..<4096 {
        let stop = Int(g.int(1, 64))
        for c in 0..<256 { t[r * 256 + c] = c == stop ? -1 : g.int(0, 256) }
      }
      let target = AnyTensor.int64((try? Tensor(shape: [4096, 256], scalars: t)) ?? Tensor(0))
      return make(
        "MultiLabelMarginLoss", d,
        inputs: ["input": uniform([4096, 256], d, seed: 1), "target": target], wrt: ["input"])
    },
    Row(loss: "MultiMarginLoss") { d in
      make(
        "MultiMarginLoss", d,
        inputs: ["input": uniform([8192, 512], d, seed: 1), "target": indices([8192], 0, 512, seed: 2)],
        wrt: ["input"])
    },
    Row(loss: "CosineEmbeddingLoss") { d in
      make(
        "CosineEmbeddingLoss", d, options: [("margin", number(0.2))],
        inputs: [
          "input1": uniform([32768, 128], d, seed: 1), "input2": uniform([32768, 128], d, seed: 2),
          "target": signs([32768], d, seed: 3),
        ], wrt: ["input1", "input2"])
    },
    Row(loss: "TripletMarginLoss") { d in
      make(
        "TripletMarginLoss", d,
        inputs: [
          "anchor": uniform([32768, 128], d, seed: 1), "positive": uniform([32768, 128], d, seed: 2),
          "negative": uniform([32768, 128], d, seed: 3),
        ], wrt: ["anchor", "positive", "negative"])
    },
    Row(loss: "TripletMarginWithDistanceLoss") { d in
      make(
        "TripletMarginWithDistanceLoss", d, options: [("distance_function", .string("cosine_distance"))],
        inputs: [
          "anchor": uniform([32768, 128], d, seed: 1), "positive": uniform([32768, 128], d, seed: 2),
          "negative": uniform([32768, 128], d, seed: 3),
        ], wrt: ["anchor", "positive", "negative"])
    },
    Row(loss: "CTCLoss") { d in
      var g = Generator(state: 4)
      let lengths = (0..<32).map { _ in g.int(30, 51) }
      return make(
        "CTCLoss", d,
        inputs: [
          "log_probs": logSoftmax(200 * 32, 40, d, seed: 1).reshapedForBench([200, 32, 40]),
          "targets": indices([32, 50], 1, 40, seed: 2),
          "input_lengths": .int64((try? Tensor(shape: [32], scalars: Array(repeating: 200, count: 32))) ?? Tensor(0)),
          "target_lengths": .int64((try? Tensor(shape: [32], scalars: lengths)) ?? Tensor(0)),
        ], wrt: ["log_probs"])
    },
  ]
}

extension AnyTensor {
  func reshapedForBench(_ shape: [Int]) -> AnyTensor {
    switch self {
    case .float32(let t): return .float32((try? t.reshaped(shape)) ?? t)
    case .float64(let t): return .float64((try? t.reshaped(shape)) ?? t)
    case .int64(let t): return .int64((try? t.reshaped(shape)) ?? t)
    }
  }
}
