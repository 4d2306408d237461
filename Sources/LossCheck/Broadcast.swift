/// NumPy/PyTorch broadcasting: shapes are aligned at their last dimension;
/// each pair of sizes must be equal or contain a 1.
public enum Broadcast {
  /// The broadcast shape of `shapes`, or `shape_mismatch` naming them.
  public static func shape(_ shapes: [[Int]], names: [String])
    throws(LossError) -> [Int]
  {
    let rank = shapes.map(\.count).max() ?? 0
    var out = Array(repeating: 1, count: rank)
    for s in shapes {
      for (k, d) in s.enumerated() {
        let j = rank - s.count + k
        if out[j] == 1 {
          out[j] = d
        } else if d != 1 && d != out[j] {
          let described = zip(names, shapes).map { "\($0.0) \($0.1)" }
          throw .shape(
            "\(described.joined(separator: " and ")) cannot be broadcast together"
          )
        }
      }
    }
    return out
  }

  /// Whether `source` broadcasts to `target` without `target` growing.
  public static func expands(_ source: [Int], to target: [Int]) -> Bool {
    guard source.count <= target.count else { return false }
    for (k, d) in source.enumerated() {
      let t = target[target.count - source.count + k]
      if d != t && d != 1 { return false }
    }
    return true
  }

  /// For each element of `target` (row-major), the index of the element of
  /// `source` it reads; nil when the shapes are equal (the identity).
  public static func indexMap(from source: [Int], to target: [Int]) -> [Int]? {
    if source == target { return nil }
    let n = Tensor<Int>.elementCount(target) ?? 0
    var strides = Array(repeating: 0, count: target.count)
    var s = 1
    for k in stride(from: source.count - 1, through: 0, by: -1) {
      let j = target.count - source.count + k
      strides[j] = source[k] == 1 ? 0 : s
      s *= source[k]
    }
    var map = [Int](repeating: 0, count: n)
    var index = Array(repeating: 0, count: target.count)
    var flat = 0
    for i in 0..<n {
      map[i] = flat
      var k = target.count - 1
      while k >= 0 {
        index[k] += 1
        flat += strides[k]
        if index[k] < target[k] { break }
        flat -= strides[k] * index[k]
        index[k] = 0
        k -= 1
      }
    }
    return map
  }

  /// `values` (of broadcast shape `from`) summed back to `source` shape.
  public static func sum<T: LossScalar>(
    _ values: [T], from target: [Int], to source: [Int]
  ) -> Tensor<T> {
    guard let map = indexMap(from: source, to: target) else {
      return Tensor(unchecked: source, values)
    }
    let n = Tensor<Int>.elementCount(source) ?? 0
    // Gather each source element's contributions, in order, into one flat
    // array grouped by source element (a counting sort: no per-element
    // allocation), then sum each group accurately.
    var offsets = [Int](repeating: 0, count: n + 1)
    for j in map { offsets[j + 1] += 1 }
    for j in 0..<n { offsets[j + 1] += offsets[j] }
    var next = offsets
    var grouped = [T](repeating: 0, count: map.count)
    for (i, j) in map.enumerated() {
      grouped[next[j]] = values[i]
      next[j] += 1
    }
    let sums = grouped.withUnsafeBufferPointer { g in
      (0..<n).map { j in
        Summation.pairwise(
          UnsafeBufferPointer(rebasing: g[offsets[j]..<offsets[j + 1]]))
      }
    }
    return Tensor(unchecked: source, sums)
  }

  /// `tensor` read at the broadcast shape `target` (a copy).
  public static func expand<T>(_ tensor: Tensor<T>, to target: [Int]) -> [T] {
    guard let map = indexMap(from: tensor.shape, to: target) else {
      return tensor.scalars
    }
    return map.map { tensor.scalars[$0] }
  }
}
