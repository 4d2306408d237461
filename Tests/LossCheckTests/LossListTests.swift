import Foundation
import LossCheckHarness
import Testing

/// golden/spec.json's `"losses"` is the one list of the losses: every
/// per-loss file, adapter and benchmark row must match it, none missing and
/// none extra.
@Suite struct LossListTests {
  static let golden = GoldenCorpus.locate()
  static let root = (golden as NSString).deletingLastPathComponent

  static func spec() throws -> Spec {
    try Spec.load(goldenDirectory: golden)
  }

  /// Names of the files in `dir` (relative to the root) that end in
  /// `suffix` and start with `prefix`, with both cut off, keeping those
  /// that name a loss by the project's convention (CamelCase, "…Loss").
  static func names(
    in dir: String, prefix: String = "", suffix: String
  ) -> [String] {
    let path = "\(root)/\(dir)"
    let files =
      (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return files.compactMap { f -> String? in
      guard f.hasPrefix(prefix), f.hasSuffix(suffix) else { return nil }
      let stem = String(f.dropFirst(prefix.count).dropLast(suffix.count))
      guard stem.hasSuffix("Loss"), stem.first?.isUppercase == true
      else { return nil }
      return stem
    }
  }

  /// The losses of the fuzz seeds `seed-<Loss>-…` (other seeds, such as
  /// `seed-hostile-…`, cover no one loss).
  static func fuzzSeedLosses() -> [String] {
    let path = "\(root)/Tests/FuzzCorpus"
    let files =
      (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return files.compactMap { f -> String? in
      guard f.hasPrefix("seed-") else { return nil }
      let parts = f.dropFirst("seed-".count).split(separator: "-")
      guard let stem = parts.first, stem.hasSuffix("Loss"),
        stem.first?.isUppercase == true
      else { return nil }
      return String(stem)
    }
  }

  /// The losses of golden/benchmark.json's rows, in file order.
  static func benchmarkLosses() throws -> [String] {
    let path = "\(golden)/benchmark.json"
    let data = try #require(FileManager.default.contents(atPath: path))
    guard case .array(let rows)? = try JSONParser.parse(data)["rows"] else {
      Issue.record("\(path): no rows array")
      return []
    }
    return rows.compactMap { row -> String? in
      if case .string(let s)? = row["loss"] { return s }
      return nil
    }
  }

  /// Where per-loss things live, and how to list the losses they cover.
  static let places: [(String, @Sendable () throws -> [String])] = [
    ("golden/spec/<Loss>.json", { names(in: "golden/spec", suffix: ".json") }),
    ("golden/<Loss>.jsonl", { names(in: "golden", suffix: ".jsonl") }),
    (
      "ReferenceBackend.adapters",
      { Array(ReferenceBackend.adapters.keys) }
    ),
    (
      "Sources/LossCheckHarness/Adapters/<Loss>+Adapter.swift",
      {
        names(
          in: "Sources/LossCheckHarness/Adapters", suffix: "+Adapter.swift")
      }
    ),
    ("docs/losses/<Loss>.md", { names(in: "docs/losses", suffix: ".md") }),
    (
      "Tests/LossCheckTests/<Loss>Tests.swift",
      { names(in: "Tests/LossCheckTests", suffix: "Tests.swift") }
    ),
    (
      "scripts/reference/<Loss>.py",
      { names(in: "scripts/reference", suffix: ".py") }
    ),
    (
      "scripts/tests/test_<Loss>.py",
      { names(in: "scripts/tests", prefix: "test_", suffix: ".py") }
    ),
    ("Tests/FuzzCorpus/seed-<Loss>-*", { fuzzSeedLosses() }),
    ("golden/benchmark.json rows", { try benchmarkLosses() }),
  ]

  @Test func theListHasEveryLossOnce() throws {
    let order = try Self.spec().lossOrder
    #expect(!order.isEmpty, "golden/spec.json has no \"losses\" list")
    #expect(Set(order).count == order.count, "a loss is listed twice")
  }

  @Test(arguments: places.indices)
  func everyPlaceMatchesTheList(place: Int) throws {
    let (what, list) = Self.places[place]
    let want = Set(try Self.spec().lossOrder)
    let have = Set(try list())
    let missing = want.subtracting(have).sorted()
    let extra = have.subtracting(want).sorted()
    #expect(missing.isEmpty, "\(what): missing \(missing)")
    #expect(extra.isEmpty, "\(what): not in golden/spec.json \(extra)")
  }

  @Test func benchmarkRowsFollowTheListOrder() throws {
    #expect(try Self.benchmarkLosses() == Self.spec().lossOrder)
  }

  @Test func specLossNamesFollowTheList() throws {
    let spec = try Self.spec()
    #expect(spec.lossNames == spec.lossOrder)
  }
}
