// swift-tools-version: 6.1
import Foundation
import PackageDescription

#if arch(x86_64)
  // Code generation for AVX2 + FMA ("haswell", every x86-64 server CPU of
  // the last decade), so that SIMD code (the VectorMath kernels, the
  // vectorised loss loops) uses 256-bit registers and blends (the baseline
  // SSE2 build is 2-10x slower on several losses), and the VectorMath
  // polynomials use explicit FMAs (last-bit differences, same ULP bounds;
  // docs/VECTOR_MATH.md).
  //
  // It is opt-in (LOSSCHECK_NATIVE=1 in the environment of `swift build`):
  // the manifest cannot tell whether LossCheck is the root package or a
  // dependency (a checkout, a local path, an edit), and a dependency must
  // get baseline code generation, since SwiftPM refuses `unsafeFlags` there
  // and the binary may run on another CPU.
  let native = ProcessInfo.processInfo.environment["LOSSCHECK_NATIVE"] == "1"
  let cpuSettings: [SwiftSetting] =
    native
    ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("LOSSCHECK_FMA")]
    : []
#else
  let cpuSettings: [SwiftSetting] = []
#endif

/// What the LossCheckGoldens target, rooted at the package, must leave
/// alone: everything but golden/ and its own source folder (the rest
/// belongs to other targets or is not a target's at all).
let goldenTargetExcludes: [String] = {
  let fm = FileManager.default
  let root = Context.packageDirectory
  let top = (try? fm.contentsOfDirectory(atPath: root)) ?? []
  let sources = (try? fm.contentsOfDirectory(atPath: "\(root)/Sources")) ?? []
  return top.filter { !$0.hasPrefix(".") && $0 != "golden" && $0 != "Sources" }
    + sources.filter { $0 != "LossCheckGoldens" }.map { "Sources/\($0)" }
}()

/// The targets that embed CPython exist only with the `Python` trait.
let python = TargetDependencyCondition.when(traits: ["Python"])

let package = Package(
  name: "LossCheck",
  products: [
    // The reference losses, for Swift projects that want them as a library.
    .library(name: "LossCheck", targets: ["LossCheck"]),
    // Cases, goldens, backends and the conformance harness.
    .library(name: "LossCheckHarness", targets: ["LossCheckHarness"]),
    .executable(name: "losscheck", targets: ["losscheck"]),
  ],
  traits: [
    .trait(
      name: "Python",
      description: """
        The Python backends of losscheck (--backend numpy, python:MODULE): \
        CPython embedded, built against libpython3-dev (pkg-config \
        python3-embed). Without it the library, the harness and the CLI \
        need no Python at all.
        """),
    .default(enabledTraits: ["Python"]),
  ],
  dependencies: [
    .package(
      url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    .target(
      name: "LossCheck",
      dependencies: [.product(name: "RealModule", package: "swift-numerics")],
      swiftSettings: cpuSettings
    ),
    .target(
      name: "LossCheckHarness",
      dependencies: ["LossCheck", "LossCheckGoldens"],
      swiftSettings: cpuSettings),
    // The golden corpus as a resource bundle, so that a dependent package
    // can run it. The target is rooted at the package so that the bundle is
    // a copy of the top-level golden/ folder itself (SwiftPM copies a
    // symbolic link as a link, which would dangle in the bundle).
    .target(
      name: "LossCheckGoldens", path: ".", exclude: goldenTargetExcludes,
      sources: ["Sources/LossCheckGoldens/GoldenBundle.swift"],
      resources: [.copy("golden")]),
    // CPython, embedded: Debian's libpython3-dev (pkg-config python3-embed).
    .systemLibrary(
      name: "CPython", pkgConfig: "python3-embed",
      providers: [.apt(["libpython3-dev"])]),
    .target(
      name: "LossCheckPython",
      dependencies: [
        "LossCheckHarness", .target(name: "CPython", condition: python),
      ]),
    .executableTarget(
      name: "losscheck",
      dependencies: [
        "LossCheckHarness",
        .target(name: "LossCheckPython", condition: python),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: cpuSettings
    ),
    // The release-mode accuracy sweep and throughput figures of the
    // VectorMath kernels against libm (docs/VECTOR_MATH.md).
    .executableTarget(
      name: "vectormath-accuracy", dependencies: ["LossCheck"],
      swiftSettings: cpuSettings),
    // The fuzz target (docs/FUZZING.md); a plain build replays inputs.
    .executableTarget(
      name: "losscheck-fuzz", dependencies: ["LossCheckHarness"]),
    .target(
      name: "LossCheckTestSupport",
      dependencies: ["LossCheck", "LossCheckHarness"],
      path: "Tests/LossCheckTestSupport"
    ),
    .testTarget(
      name: "LossCheckTests",
      dependencies: [
        "LossCheck", "LossCheckHarness", "LossCheckTestSupport",
        .target(name: "LossCheckPython", condition: python),
      ],
      swiftSettings: cpuSettings
    ),
  ],
  swiftLanguageModes: [.v6]
)
