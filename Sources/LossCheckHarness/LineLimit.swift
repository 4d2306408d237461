extension WorkBudget {
  /// Bytes of JSON text allowed in a line for each element of the budget:
  /// the longest shortest-round-trip double (24 characters,
  /// `-2.2250738585072014e-308`) and a `", "` separator (Python's default)
  /// in a flat `data` array, with 6 bytes to spare.
  public static let lineBytesPerElement = 32

  /// Bytes allowed in a line on top of its elements: the id, keys, shapes,
  /// options and an error message.
  public static let lineOverheadBytes = 1 << 20

  /// The longest line LossCheck reads from a golden file or from an exec
  /// backend's answers under this budget: ``lineBytesPerElement`` bytes
  /// per element plus ``lineOverheadBytes``, saturating at `Int.max`.
  ///
  /// An answer holds the case's output and gradients, which are part of
  /// the work the budget counts, so the answer to any case within the
  /// budget fits, however its numbers are written; a golden line fits
  /// when its inputs and expected values together have no more numbers
  /// than the budget. The default budget (2^29 elements) gives 16 GiB +
  /// 1 MiB: the bound that matters against a backend writing without end
  /// is then the case's deadline; a smaller `--max-elements` lowers it.
  /// A longer line is read past as it streams (never held whole) and
  /// refused.
  public var maxLineBytes: Int {
    let (bytes, overflow) = maxElements.multipliedReportingOverflow(
      by: WorkBudget.lineBytesPerElement)
    guard !overflow else { return Int.max }
    let (total, over) = bytes.addingReportingOverflow(
      WorkBudget.lineOverheadBytes)
    return over ? Int.max : total
  }

  /// The `resource_limit` error result for case `id` when its backend
  /// answered with a line of `byteCount` bytes, over ``maxLineBytes``
  /// (`limit`).
  public static func answerTooLong(id: String, byteCount: Int, limit: Int)
    -> CaseResult
  {
    CaseResult(
      id: id,
      outcome: .error(
        kind: .harness(ResourceLimit.kind),
        message: "the backend answered with a line of \(byteCount) bytes, "
          + "longer than the limit of \(limit) bytes (32 bytes per "
          + "element of --max-elements, plus 1 MiB); the line was read "
          + "past and dropped"))
  }
}
