import Foundation
import Synchronization

/// Counts of a run in progress, for a progress line.
public struct RunProgress: Sendable, Equatable {
  public var done: Int
  public var total: Int
  public var passed: Int
  public var failed: Int
  public var skipped: Int

  /// Makes a progress count.
  public init(done: Int, total: Int, passed: Int, failed: Int, skipped: Int) {
    self.done = done
    self.total = total
    self.passed = passed
    self.failed = failed
    self.skipped = skipped
  }
}

/// Runs cases through backends and judges each result.
public enum Runner {
  /// What a run produced: the verdicts of the judged cases in selection
  /// order, and whether it was stopped early.
  public struct Outcome: Sendable {
    public var verdicts: [Verdict]
    public var interrupted: Bool
  }

  /// Runs `cases` through `backend`, judging each with the spec's
  /// tolerance (or the case's own).
  public static func run(
    _ cases: [Case], spec: Spec, backend: any LossBackend
  ) -> [Verdict] {
    run(cases, spec: spec, backends: [backend]).verdicts
  }

  /// Runs `cases` on one worker thread per backend (pass N instances for
  /// `--jobs N`): each worker takes the next case from a shared counter,
  /// and its verdict is stored at the case's index, so the verdicts are
  /// the same, in the same order, whatever the number of workers (times
  /// aside).
  ///
  /// - `shouldStop` is checked before each case; once it returns true no
  ///   new case starts, and the outcome is marked interrupted and holds
  ///   the cases judged so far.
  /// - `progress` is called after each verdict (from a worker thread,
  ///   serialised).
  /// - No backend means no case runs (an empty, interrupted outcome when
  ///   there were cases).
  public static func run(
    _ cases: [Case], spec: Spec, backends: [any LossBackend],
    errors: ErrorMatching = .kind,
    shouldStop: @escaping @Sendable () -> Bool = { false },
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) -> Outcome {
    let state = Mutex(
      State(
        results: Array(repeating: nil, count: cases.count),
        progress: RunProgress(
          done: 0, total: cases.count, passed: 0, failed: 0, skipped: 0)))
    let work: @Sendable (any LossBackend) -> Void = { backend in
      while true {
        if shouldStop() { return }
        let i: Int? = state.withLock { s in
          guard s.next < cases.count else { return nil }
          defer { s.next += 1 }
          return s.next
        }
        guard let i else { return }
        let c = cases[i]
        let start = DispatchTime.now().uptimeNanoseconds
        let r = backend.evaluate(c)
        let end = DispatchTime.now().uptimeNanoseconds
        var v = Judge.verdict(
          c, r, tolerance: spec.tolerance(for: c), errors: errors)
        v.seconds = Double(end - start) / 1e9
        let counts: RunProgress = state.withLock { s in
          s.results[i] = v
          s.progress.done += 1
          switch v.status {
          case .passed: s.progress.passed += 1
          case .failed: s.progress.failed += 1
          case .skipped: s.progress.skipped += 1
          }
          return s.progress
        }
        progress?(counts)
      }
    }
    if backends.count == 1, let only = backends.first {
      work(only)
    } else if !backends.isEmpty {
      let group = DispatchGroup()
      for b in backends {
        group.enter()
        // Plain threads: a worker blocked on a slow backend must not hold
        // one of the few shared dispatch threads.
        let t = Thread {
          work(b)
          group.leave()
        }
        t.start()
      }
      group.wait()
    }
    let results = state.withLock { $0.results }
    let verdicts = results.compactMap { $0 }
    return Outcome(
      verdicts: verdicts, interrupted: verdicts.count < cases.count)
  }

  private struct State: Sendable {
    var next = 0
    var results: [Verdict?]
    var progress: RunProgress
  }
}
