import Foundation
import LossCheck

/// How an expected error is met (`losscheck run --errors`).
public enum ErrorMatching: String, Sendable, CaseIterable {
  /// The error must be of the golden's kind (the default).
  case kind
  /// Any error meets an expected error; a value where an error is expected,
  /// or an error where a value is expected, still fails.
  case any
}

/// The judge: one backend result against its golden case.
public enum Judge {
  /// The end of a problem that blames the golden's element bounds.
  public static let malformedBounds = "(malformed golden)"

  /// How many out-of-tolerance elements a field lists besides the worst.
  public static let otherElements = 5

  /// Compares a backend's result with the case's expectation.
  ///
  /// NaN matches NaN, an infinity matches the same infinity; an expected
  /// error is met as `errors` says. An `unsupported` answer is skipped
  /// (unless its id is wrong, which fails). A mismatch of outcomes shows
  /// both sides in full: error kind and message, and a short summary of the
  /// value.
  public static func verdict(
    _ c: Case, _ r: CaseResult, tolerance tol: Tolerance,
    errors: ErrorMatching = .kind
  ) -> Verdict {
    var v = Verdict(
      id: c.id, loss: c.loss, dtype: c.dtype.rawValue, options: c.options,
      tags: c.tags, status: .passed, expected: summary(c.expected),
      actual: summary(r.outcome))
    func fail(_ s: String) {
      v.status = .failed
      v.problems.append(s)
    }
    if r.id != c.id {
      fail("result id \"\(r.id)\" is not the case's")
    }
    switch (c.expected, r.outcome) {
    case (_, .unsupported):
      if v.status != .failed { v.status = .skipped }
    case (nil, _):
      fail("the case has no expected result")
    case (.unsupported?, _):
      fail("the case expects unsupported, which only a backend may answer")
    case (.error(let kind, let message)?, .error(let got, let gotMessage)):
      if kind != got && errors == .kind {
        fail(
          "expected error \(kind) (\(message)), got error \(got): "
            + gotMessage)
      }
    case (.error(let kind, let message)?, .value(let output, let grads)):
      let s = valueSummary(output, grads)
      v.actual = .value(summary: s)
      fail("expected error \(kind) (\(message)), got a value: \(s)")
    case (.value(let output, let grads)?, .error(let kind, let message)):
      let s = valueSummary(output, grads)
      v.expected = .value(summary: s)
      fail("expected a value (\(s)), got error \(kind): \(message)")
    case (.value(let eo, let eg)?, .value(let ao, let ag)):
      compare("output", eo, ao, tol, &v)
      for name in eg.keys.sorted() {
        guard let e = eg[name] else { continue }
        guard let a = ag[name] else {
          fail("no gradient for \(name)")
          continue
        }
        compare("grads.\(name)", e, a, tol, &v)
      }
    }
    return v
  }

  static func summary(_ o: Outcome?) -> OutcomeSummary {
    switch o {
    case nil: .none
    case .value?: .value(summary: nil)
    case .error(let kind, let message)?: .error(kind: kind, message: message)
    case .unsupported(let reason)?: .unsupported(reason: reason)
    }
  }

  /// A short text for a value: the output's shape (and its elements when
  /// there are at most four), then each gradient's name and shape, e.g.
  /// "output [] = 0.4; grads input [3, 5]".
  public static func valueSummary(
    _ output: AnyTensor, _ grads: [String: AnyTensor]
  ) -> String {
    var s = "output \(output.shape)"
    if output.count <= 4 {
      let xs = output.doubles.map { "\($0)" }
      s +=
        output.shape.isEmpty
        ? " = \(xs.first ?? "")" : " = [\(xs.joined(separator: ", "))]"
    }
    for name in grads.keys.sorted() {
      guard let g = grads[name] else { continue }
      s += "; grads \(name) \(g.shape)"
    }
    return s
  }

  /// The ratio of one element pair under `tol`: 0 when equal (NaN with
  /// NaN, the same infinity), infinite when only one is NaN or infinite.
  static func ratio(_ x: Double, _ y: Double, _ tol: Tolerance) -> Double {
    ratio(x, y, atol: tol.atol, rtol: tol.rtol)
  }

  /// The ratio of one element pair under the bound `atol + rtol·|x|`. An
  /// infinite `atol` (an element bound) accepts any value but NaN.
  static func ratio(_ x: Double, _ y: Double, atol: Double, rtol: Double)
    -> Double
  {
    if x.isNaN || y.isNaN { return (x.isNaN && y.isNaN) ? 0 : .infinity }
    if x.isInfinite || y.isInfinite {
      return x == y || (x.isFinite && atol == .infinity) ? 0 : .infinity
    }
    let allowed = atol + rtol * abs(x)
    let err = abs(y - x)
    return err == 0 ? 0 : (allowed > 0 ? err / allowed : .infinity)
  }

  static func compare(
    _ field: String, _ e: AnyTensor, _ a: AnyTensor, _ tol: Tolerance,
    _ v: inout Verdict
  ) {
    guard e.shape == a.shape else {
      v.status = .failed
      v.problems.append("\(field): shape \(a.shape), expected \(e.shape)")
      v.fields.append(
        FieldDiagnostic(
          field: field, shape: e.shape, compared: 0, outOfTolerance: 0,
          worst: nil, others: []))
      return
    }
    if e.dtype != a.dtype {
      v.status = .failed
      v.problems.append(
        "\(field): dtype \(a.dtype.rawValue), expected \(e.dtype.rawValue)")
    }
    let ev = e.doubles
    let av = a.doubles
    // The field's element bounds, when the case has them: shaped like
    // the field, or the golden is malformed.
    var bounds: [Double]? = nil
    if let elements = tol.atolElements {
      guard let b = elements.bounds(for: field) else {
        v.status = .failed
        v.problems.append(
          "\(field): the golden's tolerance.atol_elements has no bounds"
            + " for it \(malformedBounds)")
        return
      }
      guard b.shape == e.shape else {
        v.status = .failed
        v.problems.append(
          "\(field): tolerance.atol_elements shape \(b.shape), the field's"
            + " \(e.shape) \(malformedBounds)")
        return
      }
      bounds = b.scalars
    }
    var worstIndex = -1
    var worstRatio = 0.0
    var outOfTolerance = 0
    // The worst out-of-tolerance elements, worst first (index order on
    // ties): at most 1 + otherElements, so the scan stays linear.
    var top: [(ratio: Double, index: Int)] = []
    let keep = 1 + otherElements
    for i in 0..<ev.count {
      let r = ratio(
        ev[i], av[i], atol: bounds?[i] ?? tol.atol, rtol: tol.rtol)
      if r > worstRatio {
        worstRatio = r
        worstIndex = i
      }
      guard r > 1 else { continue }
      outOfTolerance += 1
      if top.count == keep, let last = top.last, !(r > last.ratio) {
        continue
      }
      var at = top.count
      while at > 0 && r > top[at - 1].ratio { at -= 1 }
      top.insert((r, i), at: at)
      if top.count > keep { top.removeLast() }
    }
    func element(_ i: Int, _ r: Double) -> Discrepancy {
      let x = ev[i]
      let y = av[i]
      let err = abs(y - x)
      return Discrepancy(
        field: field, index: unravel(i, e.shape), expected: x, actual: y,
        absoluteError: err, relativeError: x == 0 ? err : err / abs(x),
        ulps: ulpDistance(x, y, e.dtype), ratio: r)
    }
    let worst = worstIndex >= 0 ? element(worstIndex, worstRatio) : nil
    let others = top.dropFirst().map { element($0.index, $0.ratio) }
    v.fields.append(
      FieldDiagnostic(
        field: field, shape: e.shape, compared: ev.count,
        outOfTolerance: outOfTolerance, worst: worst, others: others))
    if let w = worst, outOfTolerance > 0 {
      v.status = .failed
      // A NaN or infinity against a number has no meaningful ratio.
      let ratio = w.ratio.isFinite ? fmt(w.ratio) : "—"
      v.problems.append(
        "\(field): \(outOfTolerance)/\(ev.count) out of tolerance;"
          + " worst \(w.element) (\(ratio)x tol)")
    }
  }

  static func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var i = flat
    var index = Array(repeating: 0, count: shape.count)
    for k in stride(from: shape.count - 1, through: 0, by: -1)
    where shape[k] > 0 {
      index[k] = i % shape[k]
      i /= shape[k]
    }
    return index
  }

  /// The number of representable values of `dtype` between x and y.
  public static func ulpDistance(
    _ x: Double, _ y: Double, _ dtype: DType
  ) -> UInt64? {
    guard x.isFinite, y.isFinite else { return nil }
    if dtype.isHalf {
      // Steps between the two values rounded to the dtype (exact for
      // values of it), counted on the sign-magnitude bits.
      func key(_ v: Double) -> Int64 {
        let b: UInt16 =
          dtype == .float16
          ? Float16(v).bitPattern : BFloat16(v).bitPattern
        let m = Int64(b & 0x7FFF)
        return b & 0x8000 != 0 ? -m : m
      }
      return (key(x) - key(y)).magnitude
    }
    if dtype == .float32 {
      func key(_ f: Float) -> Int64 {
        let b = Int64(f.bitPattern)
        return f.sign == .minus ? -(b & 0x7FFF_FFFF) : b
      }
      let d = key(Float(x)) - key(Float(y))
      return d.magnitude
    }
    func key(_ f: Double) -> Int64 {
      let b = Int64(bitPattern: f.bitPattern & 0x7FFF_FFFF_FFFF_FFFF)
      return f.sign == .minus ? -b : b
    }
    let (d, o) = key(x).subtractingReportingOverflow(key(y))
    return o ? UInt64.max : d.magnitude
  }
}

extension Discrepancy {
  /// One line: field, index, both values, errors and ULPs.
  public var summary: String { "\(field)\(element)" }

  /// The line without the field name: "[1, 2] expected 0.5 got 0.75 …".
  public var element: String {
    let u = ulps.map { "\($0)" } ?? "-"
    return "\(index) expected \(expected) got \(actual)"
      + " abs \(fmt(absoluteError)) rel \(fmt(relativeError)) ulps \(u)"
  }
}

/// Three significant digits, for errors and ratios.
private func fmt(_ x: Double) -> String { String(format: "%.3g", x) }
