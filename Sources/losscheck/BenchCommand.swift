import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

extension LossCheckCommand {
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time the benchmark workload on the Swift reference.",
      discussion: """
        Each row of the fixed workload (golden/benchmark.json, described \
        in docs/BENCHMARK.md): one forward plus \
        backward pass for the inputs marked ∂, with the default options \
        unless the row names others, through the same adapters \
        `losscheck run` uses. After --warmup untimed runs, --reps timed \
        runs; the table shows the median and the fastest.

        Build in release mode, natively, for figures worth comparing:
          LOSSCHECK_NATIVE=1 swift build -c release --scratch-path .build-native
          .build-native/release/losscheck bench --json

        scripts/bench_compare.py runs this and scripts/bench_torch.py \
        (PyTorch CPU, same rows) side by side and prints the ratio per row.
        """)

    @Option(help: "Only this loss (repeatable).")
    var loss: [String] = []

    @Option(help: "The dtype of the inputs.")
    var dtype = FloatDType(.float32)

    @Option(parsing: .unconditional, help: "Threads the losses may use (>= 1).")
    var threads = 1

    @Option(parsing: .unconditional, help: "Timed repetitions per row (>= 1).")
    var reps = 7

    @Option(parsing: .unconditional, help: "Untimed runs before timing (>= 0).")
    var warmup = 1

    @Flag(
      help: "Print one JSON object {loss: median_seconds} on the last line.")
    var json = false

    @OptionGroup var goldenOptions: GoldenOptions

    func run() throws {
      let d = dtype.dtype
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let rows = try Workload.load(goldenDirectory: dir)
      for l in loss where !rows.contains(where: { $0.loss == l }) {
        throw ValidationError("no benchmark row for '\(l)'")
      }
      Parallelism.threads = threads
      let spec = try Spec.load(goldenDirectory: dir)
      let backend = ReferenceBackend(spec: spec)
      var medians: [(String, Double)] = []
      let plural = threads == 1 ? "" : "s"
      print(
        "loss                            median ms     min ms   "
          + "(\(d.rawValue), \(threads) thread\(plural), \(reps) reps)")
      for row in rows where loss.isEmpty || loss.contains(row.loss) {
        let c = row.make(d)
        var failure: String? = nil
        for _ in 0..<warmup {
          if case .error(let kind, let message) = backend.evaluate(c).outcome {
            failure = "\(kind): \(message)"
          }
        }
        if let failure {
          let name = row.loss.padding(
            toLength: 30, withPad: " ", startingAt: 0)
          print("\(name)  error: \(failure)")
          continue
        }
        var times: [Double] = []
        for _ in 0..<reps {
          let start = DispatchTime.now().uptimeNanoseconds
          _ = backend.evaluate(c)
          let end = DispatchTime.now().uptimeNanoseconds
          times.append(Double(end - start) / 1e9)
        }
        times.sort()
        let median = times[times.count / 2]
        medians.append((row.loss, median))
        print(
          row.loss.padding(toLength: 30, withPad: " ", startingAt: 0)
            + String(format: "%11.3f %10.3f", median * 1e3, times[0] * 1e3))
      }
      if json {
        let o = JSONObject(medians.map { ($0.0, .number("\($0.1)")) })
        print(JSONWriter.write(.object(o)))
      }
    }
  }
}
