import Foundation
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// The fuzzer's kept inputs (Tests/FuzzCorpus) replayed through the eval
/// path and the golden loader: each line gets one answer that is itself
/// valid JSON with an `output` or an `error`; nothing traps.
@Suite struct FuzzCorpusTests {
  static let directory: String = {
    let root = (GoldenCorpus.locate() as NSString).deletingLastPathComponent
    return (root as NSString).appendingPathComponent("Tests/FuzzCorpus")
  }()

  static let files: [String] = {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .sorted()
  }()

  @Test func theCorpusIsThere() {
    #expect(Self.files.count >= 9)
  }

  @Test(arguments: files)
  func replay(_ name: String) throws {
    let spec = try #require(Fixtures.spec)
    let data = try #require(
      FileManager.default.contents(atPath: "\(Self.directory)/\(name)"))
    let bytes = [UInt8](data)
    if let answer = EvalLoop.answer(
      bytes, backend: ReferenceBackend(spec: spec))
    {
      let json = try JSONParser.parse(answer)
      #expect(
        json["output"] != nil || json["error"]?["kind"] != nil,
        "\(answer.prefix(300))")
    }
    _ = GoldenCorpus.parse(bytes, path: name)
  }
}
