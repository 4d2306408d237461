import ArgumentParser

struct GoldenOptions: ParsableArguments {
  @Option(
    help: "The golden directory (default: found from the current directory).")
  var golden: String?
}
