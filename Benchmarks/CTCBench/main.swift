// The CTCLoss row of BENCHMARK.md through the Swift reference: log_probs
// (200, 32, 40) float32 log_softmax rows, targets (32, 50), input_lengths
// 200, target_lengths in [30, 50]; forward plus backward for log_probs.
// Prints {"CTCLoss": median seconds} (after a warm-up). Not part of the CLI;
// scripts/bench_ctc.sh runs it next to PyTorch.
import Foundation
import LossCheck

struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

let (T, N, C, S) = (200, 32, 40, 50)
let reps = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 15 : 15
var rng = SplitMix(state: 0)
var lp = [Float](repeating: 0, count: T * N * C)
for r in 0..<(T * N) {
  var row = (0..<C).map { _ in Float.random(in: -2...2, using: &rng) }
  let m = row.max() ?? 0
  let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
  for c in 0..<C { row[c] -= lse }
  lp.replaceSubrange((r * C)..<(r * C + C), with: row)
}
let targets = (0..<(N * S)).map { _ in Int64.random(in: 1..<Int64(C), using: &rng) }
let tl = (0..<N).map { _ in Int64.random(in: 30...50, using: &rng) }
do {
  let x = try Tensor(shape: [T, N, C], scalars: lp)
  let y = try Tensor(shape: [N, S], scalars: targets)
  let il = try Tensor(shape: [N], scalars: [Int64](repeating: Int64(T), count: N))
  let tlt = try Tensor(shape: [N], scalars: tl)
  let loss = CTCLoss()
  var times: [Double] = []
  var sink: Float = 0
  for k in 0..<(reps + 3) {
    let start = DispatchTime.now().uptimeNanoseconds
    let v = try loss.valueWithGradient(x, y, inputLengths: il, targetLengths: tlt)
    let end = DispatchTime.now().uptimeNanoseconds
    sink += v.value.scalars[0] + (v.gradients["log_probs"]?.scalars[0] ?? 0)
    if k >= 3 { times.append(Double(end - start) / 1e9) }
  }
  times.sort()
  let median = times[times.count / 2]
  print("{\"CTCLoss\": \(median)}")
  FileHandle.standardError.write("min \(times.first ?? 0) s over \(reps) runs (checksum \(sink))\n".data(using: .utf8) ?? Data())
} catch {
  FileHandle.standardError.write("ctc-bench: \(error)\n".data(using: .utf8) ?? Data())
  exit(1)
}
