import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

extension LossCheckCommand {
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time the BENCHMARK.md workload on the Swift reference.",
      discussion: """
        Each row of the fixed workload (shared/BENCHMARK.md): one forward \\
        plus backward pass for the inputs marked ∂, with the default options \\
        unless the table names others, through the same adapters \\
        `losscheck run` uses. After --warmup untimed runs, --reps timed \\
        runs; the table shows the median and the fastest.

        Build in release mode for figures worth comparing:
          swift run -c release losscheck bench --json

        scripts/bench_compare.py runs this and scripts/bench_torch.py (PyTorch \\
        CPU, same rows) side by side and prints the ratio per row.
        """)

    @Option(help: "Only this loss (repeatable).")
    var loss: [String] = []

    @Option(help: "float32 or float64.")
    var dtype = "float32"

    @Option(help: "Threads the losses may use.")
    var threads = 1

    @Option(help: "Timed repetitions per row.")
    var reps = 7

    @Option(help: "Untimed runs before timing.")
    var warmup = 1

    @Flag(help: "Print one JSON object {loss: median_seconds} on the last line.")
    var json = false

    @OptionGroup var goldenOptions: GoldenOptions

    func run() throws {
      guard let d = DType(rawValue: dtype), d.isFloating else {
        throw ValidationError("--dtype must be float32 or float64, not '\(dtype)'")
      }
      guard reps >= 1 else { throw ValidationError("--reps must be at least 1") }
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let rows = try Workload.load(goldenDirectory: dir)
      for l in loss where !rows.contains(where: { $0.loss == l }) {
        throw ValidationError("no benchmark row for '\(l)'")
      }
      Parallelism.threads = threads
      let spec = try Spec.load(goldenDirectory: dir)
      let backend = ReferenceBackend(spec: spec)
      var medians: [(String, Double)] = []
      print("loss                            median ms     min ms   (\(dtype), \(threads) thread\(threads == 1 ? "" : "s"), \(reps) reps)")
      for row in rows where loss.isEmpty || loss.contains(row.loss) {
        let c = row.make(d)
        var failure: String? = nil
        for _ in 0..<warmup {
          if case .error(let kind, let message) = backend.evaluate(c).outcome {
            failure = "\(kind): \(message)"
          }
        }
        if let failure {
          print("\(row.loss.padding(toLength: 30, withPad: " ", startingAt: 0))  error: \(failure)")
          continue
        }
        var times: [Double] = []
        for _ in 0..<reps {
          let start = DispatchTime.now().uptimeNanoseconds
          _ = backend.evaluate(c)
          times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
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
