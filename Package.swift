// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "LossCheck",
  products: [
    // The reference losses, for Swift projects that want them as a library.
    .library(name: "LossCheck", targets: ["LossCheck"]),
    // Cases, goldens, backends and the conformance harness.
    .library(name: "LossCheckHarness", targets: ["LossCheckHarness"]),
    .executable(name: "losscheck", targets: ["losscheck"]),
  ],
  dependencies: [
    .package(
      url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    .target(
      name: "LossCheck",
      dependencies: [.product(name: "RealModule", package: "swift-numerics")]
    ),
    .target(name: "LossCheckHarness", dependencies: ["LossCheck"]),
    .executableTarget(
      name: "losscheck",
      dependencies: [
        "LossCheckHarness",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Times the CTCLoss row of BENCHMARK.md (scripts/bench_ctc.sh); not part of the CLI.
    .executableTarget(
      name: "ctc-bench", dependencies: ["LossCheck"], path: "Benchmarks/CTCBench"),
    .target(
      name: "LossCheckTestSupport",
      dependencies: ["LossCheck", "LossCheckHarness"],
      path: "Tests/LossCheckTestSupport"
    ),
    .testTarget(
      name: "LossCheckTests",
      dependencies: ["LossCheck", "LossCheckHarness", "LossCheckTestSupport"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
