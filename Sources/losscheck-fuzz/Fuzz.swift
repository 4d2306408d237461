// The fuzz target: arbitrary bytes through the case decoder and the whole
// eval path (JSON parser, case and tensor decoding, option checks, every
// reference loss), and through the golden-file loader.
//
// With libFuzzer (coverage-guided; see docs/FUZZING.md):
//   bash scripts/build_fuzzer.sh
//   .build-fuzz/losscheck-fuzz -runs=100000 Tests/FuzzCorpus
//
// Without it (a plain build), `losscheck-fuzz FILE|DIR…` replays inputs.
import Foundation
import LossCheckHarness

enum Target {
  static let spec: Spec? = try? Spec.load(
    goldenDirectory: GoldenCorpus.locate())

  static func run(_ bytes: [UInt8]) {
    guard let spec else { return }
    let backend = ReferenceBackend(spec: spec)
    // One input line: one answer, which must itself be valid JSON.
    if let answer = EvalLoop.answer(bytes, backend: backend) {
      do {
        _ = try JSONParser.parse(answer)
      } catch {
        fatalError("the answer is not JSON: \(answer.prefix(200))")
      }
    }
    // As a golden file: lines, problems, never a trap.
    _ = GoldenCorpus.parse(bytes, path: "fuzz-input")
  }
}

#if LOSSCHECK_LIBFUZZER
  // libFuzzer's main calls this for every input (see scripts/build_fuzzer.sh
  // for why the executable is linked by hand).
  // Loads the spec before the first input, so that its one-time allocations
  // are not taken for a leak of that input.
  @_cdecl("LLVMFuzzerInitialize")
  public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<
      UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    >?
  ) -> CInt {
    _ = Target.spec
    Target.run(Array("{}".utf8))
    return 0
  }

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    Target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
  }
#else
  @main
  struct Replay {
    static func main() {
      var files: [String] = []
      for arg in CommandLine.arguments.dropFirst() {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: arg, isDirectory: &isDir),
          isDir.boolValue
        {
          let names =
            (try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []
          files += names.sorted().map { "\(arg)/\($0)" }
        } else {
          files.append(arg)
        }
      }
      for f in files {
        if let d = FileManager.default.contents(atPath: f) {
          Target.run([UInt8](d))
        }
      }
      print("replayed \(files.count) inputs")
    }
  }
#endif
