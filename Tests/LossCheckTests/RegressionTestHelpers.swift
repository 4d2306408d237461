import LossCheck
import LossCheckTestSupport

/// Helpers shared by the regression-loss property tests (MSE, Huber,
/// SmoothL1, PoissonNLL, GaussianNLL).
enum RegressionFixtures {
  /// Random (input, target) of `shape` whose differences stay at least
  /// `margin` away from each kink in `kinks` (and from 0 when `kinks`
  /// contains 0), so finite differences are valid.
  static func awayFromKinks(
    _ shape: [Int], kinks: [Double], margin: Double = 0.02, seed: UInt64
  ) -> (Tensor<Double>, Tensor<Double>) {
    var rng = SeededRandom(seed: seed)
    var x = Tensor<Double>.random(shape, in: -3...3, using: &rng)
    let t = Tensor<Double>.random(shape, in: -3...3, using: &rng)
    for i in 0..<x.count {
      while kinks.contains(where: { abs(abs(x.scalars[i] - t.scalars[i]) - $0) < margin }) {
        x[flat: i] += 3 * margin
      }
    }
    return (x, t)
  }

  /// `tensor` materialised at the broadcast shape `shape` (by index
  /// arithmetic, independently of `Broadcast`).
  static func expanded(_ tensor: Tensor<Double>, to shape: [Int]) -> Tensor<Double> {
    let n = shape.reduce(1, *)
    let src = Array(repeating: 1, count: shape.count - tensor.rank) + tensor.shape
    var values: [Double] = []
    for flat in 0..<n {
      var rest = flat
      var index = Array(repeating: 0, count: shape.count)
      for k in stride(from: shape.count - 1, through: 0, by: -1) {
        index[k] = rest % shape[k]
        rest /= shape[k]
      }
      var offset = 0
      for k in 0..<shape.count {
        offset = offset * src[k] + (src[k] == 1 ? 0 : index[k])
      }
      values.append(tensor.scalars[offset])
    }
    return (try? Tensor(shape: shape, scalars: values)) ?? Tensor(.nan)
  }

  /// Sums `grad` (of `shape`) down to `source` (a broadcast source shape),
  /// by index arithmetic.
  static func summed(_ grad: Tensor<Double>, from shape: [Int], to source: [Int]) -> Tensor<Double> {
    let src = Array(repeating: 1, count: shape.count - source.count) + source
    var out = [Double](repeating: 0, count: source.reduce(1, *))
    for flat in 0..<grad.count {
      var rest = flat
      var index = Array(repeating: 0, count: shape.count)
      for k in stride(from: shape.count - 1, through: 0, by: -1) {
        index[k] = rest % shape[k]
        rest /= shape[k]
      }
      var offset = 0
      for k in 0..<shape.count {
        offset = offset * src[k] + (src[k] == 1 ? 0 : index[k])
      }
      out[offset] += grad.scalars[flat]
    }
    return (try? Tensor(shape: source, scalars: out)) ?? Tensor(.nan)
  }
}

/// Elementwise agreement of two arrays with NaN equal to NaN.
func sameValues(_ a: [Double], _ b: [Double]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}
