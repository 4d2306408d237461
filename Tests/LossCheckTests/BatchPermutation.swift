import LossCheck
import LossCheckTestSupport

/// `t` with its first dimension reordered: row i of the result is row
/// `order[i]` of `t`.
func permutedRows<T>(_ t: Tensor<T>, _ order: [Int]) -> Tensor<T> {
  let rows = t.shape.first ?? 1
  let width = rows == 0 ? 0 : t.count / rows
  var out: [T] = []
  for i in order {
    out.append(contentsOf: t.scalars[(i * width)..<((i + 1) * width)])
  }
  return (try? Tensor(shape: t.shape, scalars: out)) ?? t
}

/// A seeded permutation of 0..<n that is not the identity (n ≥ 2).
func shuffledOrder(_ n: Int, using rng: inout SeededRandom) -> [Int] {
  var order = Array(0..<n)
  repeat { order.shuffle(using: &rng) } while order == Array(0..<n) && n > 1
  return order
}
