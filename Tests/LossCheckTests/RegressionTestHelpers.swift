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
      while kinks.contains(where: {
        abs(abs(x.scalars[i] - t.scalars[i]) - $0) < margin
      }) {
        x[flat: i] += 3 * margin
      }
    }
    return (x, t)
  }

  /// The element of a broadcast source of shape `source` that element
  /// `flat` (row-major) of `shape` reads, by index arithmetic
  /// (independently of `Broadcast`).
  static func sourceOffset(_ flat: Int, in shape: [Int], from source: [Int])
    -> Int
  {
    let src = Array(repeating: 1, count: shape.count - source.count) + source
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
    return offset
  }

  /// `tensor` materialised at the broadcast shape `shape`.
  static func expanded(_ tensor: Tensor<Double>, to shape: [Int])
    -> Tensor<Double>
  {
    let values = (0..<shape.reduce(1, *)).map {
      tensor.scalars[sourceOffset($0, in: shape, from: tensor.shape)]
    }
    return (try? Tensor(shape: shape, scalars: values)) ?? Tensor(.nan)
  }

  /// Sums `grad` (of `shape`) down to `source` (a broadcast source shape).
  static func summed(
    _ grad: Tensor<Double>, from shape: [Int], to source: [Int]
  ) -> Tensor<Double> {
    var out = [Double](repeating: 0, count: source.reduce(1, *))
    for flat in 0..<grad.count {
      out[sourceOffset(flat, in: shape, from: source)] += grad.scalars[flat]
    }
    return (try? Tensor(shape: source, scalars: out)) ?? Tensor(.nan)
  }
}
