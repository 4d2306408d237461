import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// Which cases a selection keeps: union of filters, excludes, select
/// files, tags, dtypes, shards, and an empty selection refused.
@Suite struct CaseSelectionTests {
  static func make(
    _ id: String, loss: String = "L1Loss", dtype: DType = .float64,
    tags: [String] = []
  ) -> Case {
    Case(id: id, loss: loss, dtype: dtype, inputs: [:], tags: tags)
  }

  let cases = [
    make("L1Loss/float64/mean", tags: ["broadcast"]),
    make("L1Loss/float32/sum", dtype: .float32, tags: ["non_finite"]),
    make(
      "MSELoss/float64/none", loss: "MSELoss", tags: ["broadcast", "empty"]),
    make("MSELoss/float32/mean", loss: "MSELoss", dtype: .float32),
  ]

  func ids(_ s: CaseSelection) throws -> [String] {
    try s.apply(cases).map(\.id)
  }

  @Test func twoFiltersSelectTheUnion() throws {
    var s = CaseSelection()
    s.filters = ["float64/mean", "MSELoss/*/mean"]
    #expect(try ids(s) == ["L1Loss/float64/mean", "MSELoss/float32/mean"])
  }

  @Test func excludeRemovesWhatAFilterKept() throws {
    var s = CaseSelection()
    s.filters = ["MSELoss"]
    s.excludes = ["*/none"]
    #expect(try ids(s) == ["MSELoss/float32/mean"])
  }

  @Test func aStarPatternMatchesTheWholeId() {
    #expect(CaseSelection.matches("L1Loss/float64/mean", "L1Loss/*"))
    #expect(!CaseSelection.matches("L1Loss/float64/mean", "*/float64"))
    #expect(CaseSelection.matches("L1Loss/float64/mean", "*/float64/*"))
    #expect(CaseSelection.matches("L1Loss/float64/mean", "float64"))
    #expect(!CaseSelection.matches("a", "*a*a"))
  }

  @Test func aSelectFileIncludesExcludesAndIgnoresComments() throws {
    var s = CaseSelection()
    try s.readSelectFile(
      """
      # the losses this backend implements
      L1Loss/*

        MSELoss/float64/*  
      ! */sum
      """, path: "keep.txt")
    #expect(s.selectIncludes == ["L1Loss/*", "MSELoss/float64/*"])
    #expect(s.selectExcludes == ["*/sum"])
    #expect(try ids(s) == ["L1Loss/float64/mean", "MSELoss/float64/none"])
    var bad = CaseSelection()
    #expect(throws: SelectionError.self) {
      try bad.readSelectFile("!\n", path: "bad.txt")
    }
  }

  @Test func tagsSelectAndExclude() throws {
    var s = CaseSelection()
    s.tags = ["broadcast"]
    #expect(try ids(s) == ["L1Loss/float64/mean", "MSELoss/float64/none"])
    s.excludeTags = ["empty"]
    #expect(try ids(s) == ["L1Loss/float64/mean"])
    var t = CaseSelection()
    t.excludeTags = ["broadcast", "non_finite"]
    #expect(try ids(t) == ["MSELoss/float32/mean"])
  }

  @Test func lossesAndDtypesNarrow() throws {
    var s = CaseSelection()
    s.losses = ["MSELoss"]
    s.dtypes = ["float32"]
    #expect(try ids(s) == ["MSELoss/float32/mean"])
  }

  @Test func anEmptySelectionIsAnErrorSayingSo() {
    var s = CaseSelection()
    s.filters = ["NoSuchCase"]
    do {
      _ = try s.apply(cases)
      Issue.record("an empty selection was accepted")
    } catch {
      #expect(error.description.contains("no case matches --filter NoSuchCase"))
    }
  }

  @Test func dtypesAndLossesAreCheckedAgainstTheSpec() throws {
    let spec = try #require(Fixtures.spec)
    var s = CaseSelection()
    s.dtypes = spec.dtypes.map(\.rawValue)
    try s.validate(spec: spec)
    s.dtypes = ["float8"]
    #expect(throws: SelectionError.self) { try s.validate(spec: spec) }
    var l = CaseSelection()
    l.losses = ["NoLoss"]
    #expect(throws: SelectionError.self) { try l.validate(spec: spec) }
  }

  @Test func shardsPartitionTheSelectionInOrder() throws {
    var all: [String] = []
    for k in 1...3 {
      var s = CaseSelection()
      s.shard = try Shard("\(k)/3")
      all += try ids(s)
    }
    #expect(all.sorted() == cases.map(\.id).sorted())
    var first = CaseSelection()
    first.shard = try Shard("1/3")
    #expect(try ids(first) == [cases[0].id, cases[3].id])
    for bad in ["0/3", "4/3", "1/0", "a/b", "3", "1/2/3"] {
      #expect(throws: SelectionError.self) { _ = try Shard(bad) }
    }
  }

  @Test func tagsAreReadFromCaseJSON() throws {
    let line =
      #"{"id":"x","loss":"L1Loss","dtype":"float64","inputs":{},"#
      + #""tags":["a","b"]}"#
    let c = try Case(json: JSONParser.parse(line))
    #expect(c.tags == ["a", "b"])
    let bad =
      #"{"id":"x","loss":"L1Loss","dtype":"float64","inputs":{},"tags":[1]}"#
    #expect(throws: CaseError.self) { try Case(json: JSONParser.parse(bad)) }
  }
}
