import LossCheck
import Testing

/// A tensor's element count always matches its shape: the losses index
/// `scalars` by `shape`, so a tensor whose elements were removed made
/// NLLLoss and CrossEntropyLoss read out of bounds, MSELoss trap and
/// L1Loss return garbage.
@Suite struct TensorInvariantTests {
  /// `t.scalars.removeLast()` and `t.scalars = []` must not compile outside
  /// the library: the key paths of `scalars` and `shape` are read-only.
  @Test func scalarsAndShapeAreReadOnlyOutsideTheLibrary() {
    let doubles: AnyKeyPath = \Tensor<Double>.scalars
    let floats: AnyKeyPath = \Tensor<Float>.scalars
    let ints: AnyKeyPath = \Tensor<Int64>.scalars
    let shape: AnyKeyPath = \Tensor<Double>.shape
    #expect(!(doubles is WritableKeyPath<Tensor<Double>, [Double]>))
    #expect(!(floats is WritableKeyPath<Tensor<Float>, [Float]>))
    #expect(!(ints is WritableKeyPath<Tensor<Int64>, [Int64]>))
    #expect(!(shape is WritableKeyPath<Tensor<Double>, [Int]>))
  }

  /// The ways left to change elements keep the count, and the four losses
  /// of the finding compute on the changed tensors.
  @Test func inPlaceChangesKeepTheCount() throws {
    var x = try Tensor<Double>(shape: [2, 3], scalars: [0, 0, 0, 0, 0, 0])
    x.withUnsafeMutableScalars { b in
      for i in b.indices { b[i] = -Double(i + 1) }
    }
    x[flat: 5] = -0.5
    #expect(x.count == 6 && x.shape == [2, 3])
    #expect(x.scalars == [-1, -2, -3, -4, -5, -0.5])

    let t = try Tensor<Int64>(shape: [2], scalars: [0, 2])
    let nll = try NLLLoss(reduction: .none)(x, t)
    #expect(nll.scalars == [1, 0.5])
    let ce = try CrossEntropyLoss(reduction: .none)(x, .indices(t))
    #expect(ce.count == 2 && ce.scalars.allSatisfy { $0.isFinite })

    var y = try Tensor<Double>(shape: [2, 3], scalars: [1, 1, 1, 1, 1, 1])
    y[flat: 0] = 3
    #expect(
      try MSELoss(reduction: .sum)(x, y).scalars == [
        16 + 9 + 16 + 25 + 36 + 2.25
      ])
    #expect(
      try L1Loss(reduction: .sum)(x, y).scalars == [4 + 3 + 4 + 5 + 6 + 1.5])
  }

  /// A tensor built with the wrong number of elements is a typed error.
  @Test func aMismatchedTensorCannotBeBuilt() {
    #expect(throws: LossError.self) {
      try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5])
    }
    #expect(throws: LossError.self) {
      try Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).reshaped([
        5
      ])
    }
  }
}
