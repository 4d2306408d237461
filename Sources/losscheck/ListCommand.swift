import ArgumentParser
import Foundation
import LossCheck
import LossCheckHarness

extension LossCheckCommand {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "List the losses, their options with defaults, and golden case counts.")

    @OptionGroup var goldenOptions: GoldenOptions

    func run() throws {
      let dir = GoldenCorpus.locate(goldenOptions.golden)
      let corpus = try GoldenCorpus.load(directory: dir)
      for name in corpus.spec.lossNames {
        guard let l = corpus.spec.losses[name] else { continue }
        let mine = corpus.cases.filter { $0.loss == name }
        let errors = mine.filter {
          if case .error? = $0.expected { return true }
          return false
        }.count
        // Per dtype, in the spec's order: "float64 34, float16 34".
        let perDType = corpus.spec.dtypes.map { d in
          "\(d.rawValue) \(mine.count { $0.dtype == d })"
        }.joined(separator: ", ")
        print(
          "\(name)  (\(mine.count) golden cases, \(errors) of them errors;"
            + " \(perDType))")
        if !l.summary.isEmpty { print("  \(l.summary)") }
        let ins = l.inputs.map { i in
          i.name + (i.differentiable ? " ∂" : "")
            + (i.dtype == .float ? "" : " [\(i.dtype.rawValue)]")
        }
        print("  inputs: \(ins.joined(separator: ", "))")
        for o in l.options {
          var line = "  \(o.name): \(o.type.rawValue)"
          if !o.values.isEmpty {
            line += " {\(o.values.joined(separator: ", "))}"
          }
          if let d = o.domain { line += " \(d)" }
          line += ", default \(JSONWriter.write(o.defaultValue))"
          if o.deprecated { line += " (deprecated)" }
          print(line)
        }
      }
      if !corpus.problems.isEmpty {
        print("\nGolden files that could not be read whole:")
        for p in corpus.problems { print("  \(p)") }
      }
    }
  }
}
