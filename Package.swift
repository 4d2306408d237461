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
    // CPython, embedded: Debian's libpython3-dev (pkg-config python3-embed).
    .systemLibrary(
      name: "CPython", pkgConfig: "python3-embed",
      providers: [.apt(["libpython3-dev"])]),
    .target(
      name: "LossCheckPython", dependencies: ["LossCheckHarness", "CPython"]),
    .executableTarget(
      name: "losscheck",
      dependencies: [
        "LossCheckHarness",
        "LossCheckPython",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The fuzz target (docs/FUZZING.md); a plain build replays inputs.
    .executableTarget(name: "losscheck-fuzz", dependencies: ["LossCheckHarness"]),
    .target(
      name: "LossCheckTestSupport",
      dependencies: ["LossCheck", "LossCheckHarness"],
      path: "Tests/LossCheckTestSupport"
    ),
    .testTarget(
      name: "LossCheckTests",
      dependencies: [
        "LossCheck", "LossCheckHarness", "LossCheckPython",
        "LossCheckTestSupport",
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
