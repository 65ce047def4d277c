import CapdiffTestSupport
import Foundation
import Testing

@Suite struct DemoTests {
  /// `make demo`, from a copy of the sample without stored snapshots: it
  /// records them, gates the patch and follows the history.
  @Test func theDemoRunsEndToEnd() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.copyItem(atPath: "\(packageRoot)/sample", toPath: "\(directory.path)/sample")
    // An empty work folder is the demo's to use.
    try FileManager.default.createDirectory(atPath: "\(directory.path)/.demo", withIntermediateDirectories: false)
    let result = try run(capdiff, ["demo"], directory: directory.path)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardError.contains("recorded demo at v6.1 ("))
    #expect(result.standardError.contains("baseline: v6.2 (1 commit before "))
    #expect(result.standardOutput.contains("EXT4 FILE SYSTEM now reads and writes objects owned by CREDENTIALS"))
    #expect(result.standardOutput.contains("krx-config               REGRESSED CONFIG_RANDOMIZE_BASE held in base and no longer holds in head"))
    #expect(result.standardOutput.contains("krx-base-slide           REGRESSED head's _text never moves across its boots while base's did"))
    #expect(result.standardOutput.contains("NETWORKING [GENERAL] -> MEMORY MANAGEMENT (read): between v6.1-1-g"))
    #expect(result.standardOutput.contains("The gate exited with 8"))
    for file in ["demo/index.html", "demo/junit.xml", "demo/results.sarif", "demo/summary.md", "demo/findings.json",
      "demo/privilege-graph.svg", "demo-history/index.html", "demo-history/history.json", "demo-history/history.md"]
    {
      #expect(directory.exists("reports/\(file)"), "reports/\(file)")
    }
    #expect(
      ReportChecks.xmlSchemaErrors(file: "\(directory.path)/reports/demo/junit.xml", schema: "\(ReportChecks.schemas)/junit.xsd")
        == [])
    #expect(try ReportChecks.sarifErrors("\(directory.path)/reports/demo/results.sarif") == nil)
    // The evidence points at the statement that touches the credential, not at the opening brace.
    let findings = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/reports/demo/findings.json")))
        as? [String: Any])
    let evidence = (findings["findings"] as? [[String: Any]])?.compactMap { $0["evidence"] as? [[String: Any]] }.joined()
    #expect(evidence?.map { "\($0["function"] ?? "") \($0["file"] ?? ""):\($0["line"] ?? "")" } == ["ext4_fc_commit fs/ext4/fast_commit.c:7"])
    // A second run finds the snapshots stored and records nothing; the
    // folder the first run marked as its own is emptied first.
    #expect(directory.exists(".demo/.capdiff-demo"))
    try directory.write(".demo/stale", "left over")
    let again = try run(capdiff, ["demo"], directory: directory.path)
    #expect(again.status == 0)
    #expect(!again.standardError.contains("recorded demo at v6.1 ("))
    #expect(!directory.exists(".demo/stale"))
    #expect(directory.exists(".demo/.capdiff-demo") && directory.exists(".demo/linux"))
  }

  @Test func aWorkFolderTheDemoDidNotMakeIsKept() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.copyItem(atPath: "\(packageRoot)/sample", toPath: "\(directory.path)/sample")
    try directory.write("mine/notes.txt", "keep me")
    for work in ["mine", ".", "mine/notes.txt"] {
      let result = try run(capdiff, ["demo", "--work", work], directory: directory.path)
      #expect(result.status == 1, "\(work): \(result.standardError)")
      #expect(
        result.standardError
          == "\(work): error: not a folder an earlier demo made (it holds no .capdiff-demo), nor empty: the demo empties its work folder, so give --work a new or empty folder\n")
    }
    #expect(try String(contentsOfFile: "\(directory.path)/mine/notes.txt", encoding: .utf8) == "keep me")
    #expect(directory.exists("sample/kernel"))
    #expect(!directory.exists("mine/.capdiff-demo") && !directory.exists(".capdiff-demo"))
  }
}
