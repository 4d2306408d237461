/// Differential fuzzing: the same cases through two backends, compared
/// with the spec's tolerances, and each disagreement shrunk to a small case.
public enum Fuzzer {
  /// One case on which two backends disagree.
  public struct Disagreement: Sendable {
    /// The shrunk case (no `expected`).
    public var testCase: Case
    /// What differs, as the judge words it (the second backend's answer
    /// standing as the expectation).
    public var problems: [String]
    /// The case as first drawn, before shrinking.
    public var original: Case
  }

  /// Why `a` and `b` disagree on `c` (empty when they agree): `b`'s answer
  /// is taken as the expectation and `a`'s judged against it.
  public static func problems(
    _ c: Case, _ a: CaseResult, _ b: CaseResult, spec: Spec
  ) -> [String] {
    var judged = c
    // Nothing to compare with: the reference side does not implement it.
    if case .unsupported = b.outcome { return [] }
    judged.expected = b.outcome
    var ra = a
    ra.id = c.id
    return Judge.verdict(judged, ra, tolerance: spec.tolerance(for: c)).problems
  }

  public static func run(
    _ cases: [Case], backend a: any LossBackend, against b: any LossBackend,
    spec: Spec,
    shrinkBudget: Int = 300
  ) -> [Disagreement] {
    var found: [Disagreement] = []
    for c in cases {
      let p = problems(c, a.evaluate(c), b.evaluate(c), spec: spec)
      guard !p.isEmpty else { continue }
      let small = shrink(c, a: a, b: b, spec: spec, budget: shrinkBudget)
      let why = problems(
        small, a.evaluate(small), b.evaluate(small), spec: spec)
      found.append(
        Disagreement(
          testCase: small, problems: why.isEmpty ? p : why, original: c))
    }
    return found
  }

  /// Greedy shrinking: drop options (back to their defaults), requested
  /// gradients and the cotangent, then simplify input values (all zeros,
  /// then each element to 0, ±1 or one decimal), keeping each change while
  /// the backends still disagree. At most `budget` evaluations of each.
  public static func shrink(
    _ c: Case, a: any LossBackend, b: any LossBackend, spec: Spec, budget: Int
  ) -> Case {
    var best = c
    var spent = 0
    func stillFails(_ x: Case) -> Bool {
      guard spent < budget else { return false }
      spent += 1
      // A half case's element bounds are the drawn case's: a candidate
      // whose fields changed shape under them proves nothing.
      return problems(x, a.evaluate(x), b.evaluate(x), spec: spec)
        .contains { !$0.hasSuffix(Judge.malformedBounds) }
    }
    for key in best.options.keys {
      var x = best
      x.options[key] = nil
      if stillFails(x) { best = x }
    }
    if best.gradOutput != nil {
      var x = best
      x.gradOutput = nil
      if stillFails(x) { best = x }
    }
    for name in best.gradWrt where best.gradWrt.count > 1 {
      var x = best
      x.gradWrt.removeAll { $0 == name }
      if stillFails(x) { best = x }
    }
    for name in best.inputs.keys.sorted() {
      guard case .tensor(let t)? = best.inputs[name], t.dtype.isFloating else {
        continue
      }
      if let zeros = replaced(t, { _ in 0 }) {
        var x = best
        x.inputs[name] = .tensor(zeros)
        if stillFails(x) {
          best = x
          continue
        }
      }
      for i in 0..<t.count {
        for candidate in [0.0, 1.0, -1.0] {
          guard case .tensor(let cur)? = best.inputs[name] else { break }
          let old = cur.doubles[i]
          let rounded = (old * 10).rounded() / 10
          let value =
            candidate == 0 && old != 0
            ? 0 : (candidate == 1 ? rounded : candidate)
          if value == old || !old.isFinite { continue }
          guard let next = replaced(cur, { $0 == i ? value : nil }) else {
            continue
          }
          var x = best
          x.inputs[name] = .tensor(next)
          if stillFails(x) {
            best = x
            break
          }
        }
      }
    }
    return best
  }

  /// `t` with element i set to `f(i)` where that is non-nil.
  static func replaced(_ t: AnyTensor, _ f: (Int) -> Double?) -> AnyTensor? {
    switch t {
    case .float64(var x):
      for i in 0..<x.count { if let v = f(i) { x[flat: i] = v } }
      return .float64(x)
    case .float32(var x):
      for i in 0..<x.count { if let v = f(i) { x[flat: i] = Float(v) } }
      return .float32(x)
    case .float16(var x), .bfloat16(var x):
      let dtype = t.dtype
      for i in 0..<x.count {
        if let v = f(i) { x[flat: i] = HalfRounding.round(v, to: dtype) }
      }
      return dtype == .float16 ? .float16(x) : .bfloat16(x)
    case .int64: return nil
    }
  }
}
