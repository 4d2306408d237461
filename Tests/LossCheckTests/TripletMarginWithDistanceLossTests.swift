import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// An L∞ distance written here, through the public ``VectorDistance``
/// protocol: max |u − v|, tied maxima sharing the gradient (amax), no
/// gradient for a zero difference (abs).
struct TestChebyshev: VectorDistance {
  func validate(length: Int) throws(LossError) {
    if length == 0 {
      throw LossError(.shapeMismatch, "TestChebyshev: empty vectors")
    }
  }
  func value<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>) -> T {
    var m: T = 0
    for (x, y) in zip(u, v) { m = Swift.max(m, (x - y).magnitude) }
    return m
  }
  func gradient<T: LossScalar>(_ u: ArraySlice<T>, _ v: ArraySlice<T>) -> (
    u: [T], v: [T]
  ) {
    let d = zip(u, v).map { $0 - $1 }
    let m = value(u, v)
    let ties = T(d.filter { $0.magnitude == m }.count)
    let du: [T] = d.map { x in
      guard x.magnitude == m, x != 0 else { return 0 }
      return (x > 0 ? 1 : -1) / ties
    }
    return (du, du.map { -$0 })
  }
}

/// The golden cases of the l_infinity distance, answered with TestChebyshev.
struct ChebyshevBackend: LossBackend {
  let name = "test-chebyshev"
  let spec: Spec

  func evaluate(_ c: Case) -> CaseResult {
    do throws(LossError) {
      guard let s = spec.losses[c.loss] else {
        throw LossError(.invalidOption, "no spec")
      }
      let call = try LossCall(c, spec: s)
      switch c.dtype {
      case .float32: return try run(call, Float.self)
      case .float16, .bfloat16:
        // As the reference runs half cases: Float, each result rounded.
        return halfRounded(try run(call, Float.self), c.dtype)
      default: return try run(call, Double.self)
      }
    } catch {
      return .error(id: c.id, error)
    }
  }

  func halfRounded(_ r: CaseResult, _ dtype: DType) -> CaseResult {
    guard case .value(.float32(let out), let grads) = r.outcome else {
      return r
    }
    var rounded: [String: AnyTensor] = [:]
    for (name, g) in grads {
      guard case .float32(let t) = g else { continue }
      rounded[name] = .half(dtype, t)
    }
    return CaseResult(
      id: r.id, outcome: .value(output: .half(dtype, out), grads: rounded))
  }

  func run<T: LossScalar>(_ call: LossCall, _: T.Type) throws(LossError)
    -> CaseResult
  {
    let loss = try TripletMarginWithDistanceLoss(
      distance: TestChebyshev(), margin: call.double("margin"),
      swap: call.bool("swap"),
      reduction: call.reduction())
    let v = try loss.valueWithGradient(
      call.input("anchor", as: T.self), call.input("positive", as: T.self),
      call.input("negative", as: T.self),
      gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
    var grads: [String: AnyTensor] = [:]
    for name in call.testCase.gradWrt {
      if let g = v.gradient(named: name) { grads[name] = AnyTensor(g) }
    }
    return CaseResult(
      id: call.testCase.id,
      outcome: .value(output: AnyTensor(v.value), grads: grads))
  }
}

@Suite struct TripletMarginWithDistanceLossTests {
  static func triple(_ shape: [Int], seed: UInt64) -> [LossInput: Tensor<
    Double
  >] {
    var rng = SeededRandom(seed: seed)
    return [
      .anchor: Tensor<Double>.random(shape, using: &rng),
      .positive: Tensor<Double>.random(shape, using: &rng),
      .negative: Tensor<Double>.random(shape, using: &rng),
    ]
  }

  static func call<D: TripletDistance>(
    _ loss: TripletMarginWithDistanceLoss<D>, _ v: [LossInput: Tensor<Double>],
    g: Tensor<Double>? = nil
  ) throws(LossError) -> LossValue<Double> {
    try loss.valueWithGradient(
      v[.anchor] ?? Tensor(0), v[.positive] ?? Tensor(0),
      v[.negative] ?? Tensor(0), gradOutput: g)
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func pairwiseDistanceEqualsTripletMarginWithP2(seed: UInt64) throws {
    let shapes: [[[Int]]] = [
      [[4, 3], [4, 3], [4, 3]], [[1, 3], [4, 3], [4, 1]],
      [[1, 1], [2, 1], [2, 5]], [[5], [5], [5]], [[], [], []],
    ]
    for s in shapes {
      var rng = SeededRandom(seed: seed)
      let (a, p, n) = (
        Tensor<Double>.random(s[0], using: &rng),
        Tensor<Double>.random(s[1], using: &rng),
        Tensor<Double>.random(s[2], using: &rng)
      )
      for swap in [false, true] {
        for r in [Reduction.none, .sum] {
          let x = try TripletMarginWithDistanceLoss(
            margin: 2, swap: swap, reduction: r
          ).valueWithGradient(a, p, n)
          let y = try TripletMarginLoss(
            margin: 2, p: 2, swap: swap, reduction: r
          ).valueWithGradient(a, p, n)
          #expect(disagreement(x.value, y.value) == nil, "\(s) swap=\(swap)")
          for name in [LossInput.anchor, .positive, .negative] {
            #expect(
              disagreement(
                x.gradients[name] ?? Tensor(.nan),
                y.gradients[name] ?? Tensor(0)) == nil,
              "\(s) swap=\(swap) \(name)")
          }
        }
      }
    }
  }

  /// min(d(a, n), d(p, n)) ≤ d(a, n): the loss with swap is never lower.
  @Test(arguments: [7, 8] as [UInt64])
  func swapNeverLowersTheLoss(seed: UInt64) throws {
    let v = Self.triple([10, 3], seed: seed)
    func check<D: TripletDistance>(_ d: D) throws {
      let plain = try Self.call(
        TripletMarginWithDistanceLoss(distance: d, margin: 2, reduction: .none),
        v)
      let swapped = try Self.call(
        TripletMarginWithDistanceLoss(
          distance: d, margin: 2, swap: true, reduction: .none), v)
      for i in 0..<plain.value.count {
        #expect(swapped.value.scalars[i] >= plain.value.scalars[i], "\(D.self)")
      }
      #expect(
        zip(swapped.value.scalars, plain.value.scalars).contains { $0 > $1 },
        "\(D.self)")
    }
    try check(PairwiseDistance())
    try check(CosineDistance())
    try check(LInfinityDistance())
    try check(TestChebyshev())
  }

  /// margin 4 keeps the hinges open; `mean` divides by the number of
  /// triplets.
  @Test(arguments: [1, 2] as [UInt64])
  func sharedChecks(seed: UInt64) {
    let inputs = Self.triple([3, 4], seed: 13 &+ seed)
    func check<D: TripletDistance>(_ d: D) {
      for swap in [false, true] {
        checkLoss(
          CheckedLoss(
            "TripletMarginWithDistanceLoss", inputs: inputs,
            outputShape: [3], meanDenominator: 3
          ) { p throws(LossError) in
            try TripletMarginWithDistanceLoss(
              distance: d, margin: 4, swap: swap, reduction: p.reduction
            ).valueWithGradient(
              p[.anchor], p[.positive], p[.negative], gradOutput: p.gradOutput,
              wrt: p.wrt)
          }, seed: seed)
      }
    }
    check(PairwiseDistance())
    check(CosineDistance())
    check(LInfinityDistance())
    check(TestChebyshev())
  }

  @Test func cosineDistanceReducesDimOneAndPassesTheSharedChecks() throws {
    let inputs = Self.triple([2, 3, 4], seed: 19)
    checkLoss(
      CheckedLoss(
        "TripletMarginWithDistanceLoss", inputs: inputs, outputShape: [2, 4],
        meanDenominator: 8
      ) { p throws(LossError) in
        try TripletMarginWithDistanceLoss(
          distance: CosineDistance(), margin: 4, reduction: p.reduction
        ).valueWithGradient(
          p[.anchor], p[.positive], p[.negative], gradOutput: p.gradOutput,
          wrt: p.wrt)
      })
  }

  @Test func gradientIsZeroExactlyAtTheHinge() throws {
    // L∞: d(a, p) = 1, d(a, n) = 2, margin 1.
    let a = try Tensor<Double>(shape: [1, 2], scalars: [0, 0])
    let p = try Tensor<Double>(shape: [1, 2], scalars: [1, 0])
    let n = try Tensor<Double>(shape: [1, 2], scalars: [2, 0])
    for loss in [
      TripletMarginWithDistanceLoss(distance: TestChebyshev(), reduction: .sum)
    ] {
      let v = try loss.valueWithGradient(a, p, n)
      #expect(v.value.scalars == [0])
      for name in [LossInput.anchor, .positive, .negative] {
        #expect(v.gradients[name]?.scalars == [0, 0])
      }
    }
    let v = try TripletMarginWithDistanceLoss(
      distance: LInfinityDistance(), reduction: .sum
    ).valueWithGradient(a, p, n)
    for name in [LossInput.anchor, .positive, .negative] {
      #expect(v.gradients[name]?.scalars == [0, 0])
    }
  }

  @Test func customDistanceReproducesTheLInfinityGoldens() throws {
    let spec = try #require(Fixtures.spec)
    let cases = Fixtures.cases(of: "TripletMarginWithDistanceLoss").filter {
      $0.options["distance_function"] == .string("l_infinity")
    }
    #expect(cases.count >= 20)
    let backend = ChebyshevBackend(spec: spec)
    for c in cases {
      let verdict = Judge.verdict(
        c, backend.evaluate(c), tolerance: spec.tolerance(for: c))
      #expect(verdict.passed, "\(c.id): \(verdict.problems)")
    }
  }

  @Test func refusals() throws {
    let v = Self.triple([2, 3], seed: 1)
    for m in [0.0, -0.5] {
      expectRefusal(
        { () throws(LossError) in
          try Self.call(TripletMarginWithDistanceLoss(margin: m), v)
        }, kind: .invalidOption, mentioning: ["margin"])
    }
    let one = Self.triple([3], seed: 2)
    expectRefusal(
      { () throws(LossError) in
        try Self.call(
          TripletMarginWithDistanceLoss(distance: CosineDistance()), one)
      }, kind: .shapeMismatch)
    let mixed: [LossInput: Tensor<Double>] = [
      .anchor: v[.anchor] ?? Tensor(0), .positive: one[.positive] ?? Tensor(0),
      .negative: v[.negative] ?? Tensor(0),
    ]
    expectRefusal(
      { () throws(LossError) in
        try Self.call(TripletMarginWithDistanceLoss(), mixed)
      },
      kind: .shapeMismatch)
  }
}
