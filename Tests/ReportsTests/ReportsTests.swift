import CapdiffTestSupport
import Foundation
import Testing

@testable import Drift
@testable import Reports

/// Names as hostile as a kernel symbol, file, comm or component can carry.
let hostile = "<script>alert(1)</script> & \"quotes\" 'single' ]]> \u{1}\u{7}\u{1B}[31m | `tick` \\ back"
let long = String(repeating: "x", count: 10_000)

func hostileInput(findings count: Int = 1) -> ReportInput {
  let evidence = Evidence(
    function: "fn_\(hostile)_\(long)", file: "fs/<weird> dir/a&b.c", line: 12, site: "site\(hostile)", siteFile: "net/\(hostile).c",
    allocType: "KMEM_CACHE", slab: "slab]]>", reads: 3, writes: 1)
  let findings = (0..<count).map { index in
    Finding(
      id: "f\(index)", kind: "new-access", severity: index % 2 == 0 ? .high : .medium, subject: "SUBJ \(hostile) \(index)",
      object: "OBJ.\(hostile)", access: .write, suppressed: false, suppression: nil, runs: Finding.Runs(seen: 1, of: 2),
      message: "SUBJ \(hostile) now writes objects owned by OBJ \(hostile)", coverage: nil, failsGate: true,
      evidence: [evidence], sensitive: index == 0, subjectComponent: "SUBJ \(hostile) \(index)",
      objectComponent: "OBJ.\(hostile)")
  }
  let krx = Finding.krx(
    check: "krx-config", item: "CONFIG_\(hostile)", severity: .high, failsGate: true, baseValue: "y \(hostile)",
    headValue: "is not set", threshold: "expected y", message: "CONFIG_\(hostile) weakened", file: ".config \(hostile)")
  let outcome = CheckOutcome(
    check: "krx-config", item: "CONFIG_\(hostile)", status: .regressed, baseValue: "y", headValue: "n", threshold: "y",
    message: "weakened \(hostile)", basis: hostile, baseMeasure: nil, headMeasure: nil)
  let report = DriftReport(
    findings: findings,
    suppressions: [
      SuppressionReport(
        subject: hostile, object: "*", reason: "because \(hostile)", owner: hostile, expires: "2020-01-01", status: .expired,
        matched: 1)
    ], baseDisagreement: (1, 3))
  let side = FindingsDocument.Side(commit: String(repeating: "a", count: 40), describe: "v6.1-\(hostile)", workload: "w\(hostile)", runs: 2)
  let document = FindingsDocument(
    toolVersion: "0.1.0", base: side, head: side, scheme: "maintainers", granularity: "component", report: report,
    krxFindings: [krx], krx: [outcome], maintainersChanges: ["subsystem renamed: '\(hostile)' -> 'B'"])
  let graph = [
    GraphEdge(subject: "SUBJ \(hostile) 0", owner: "OBJ.\(hostile)", access: .write, change: .new, sensitive: true),
    GraphEdge(subject: "A\"B", owner: "C\\D", access: .read, change: .removed, sensitive: false),
    GraphEdge(subject: "A\"B", owner: "E", access: .readWrite, change: .escalation, sensitive: false),
  ]
  return ReportInput(
    document: document, base: nil, head: nil, graph: graph, subjectComponents: ["CLEAN", "SUBJ \(hostile) 0"],
    sourceURL: "https://example.org/{path}?id={commit}#n{line}", timestamp: "2026-11-22T10:00:00", hostname: "ci-runner")
}

@Suite struct ReportsTests {
  @Test func hostileNamesGiveValidEscapedOutputInEveryFormat() throws {
    let directory = try TemporaryDirectory()
    let out = "\(directory.path)/reports"
    let written = try ReportSet.write(hostileInput(), to: out, formats: Set(ReportFormat.allCases))
    #expect(
      written.map { String($0.dropFirst(out.count + 1)) }.sorted()
        == ["findings.json", "index.html", "junit.xml", "privilege-graph.dot", "privilege-graph.svg", "results.sarif", "summary.md"])

    #expect(ReportChecks.xmlSchemaErrors(file: "\(out)/junit.xml", schema: "\(ReportChecks.schemas)/junit.xsd") == [])
    #expect(try ReportChecks.sarifErrors("\(out)/results.sarif") == nil)
    #expect(ReportChecks.isWellFormedXML("\(out)/privilege-graph.svg"))

    let html = try String(contentsOfFile: "\(out)/index.html", encoding: .utf8)
    #expect(!html.contains("<script>alert"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!html.contains("\u{1B}"))
    #expect(html.contains("default-src 'none'"))
    #expect(html.contains("https://example.org/fs/%3Cweird%3E%20dir/a%26b.c?id=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa#n12"))
    let check = try ReportChecks.chromium("\(out)/index.html", screenshot: "\(directory.path)/shot.png")
    #expect(check.console == [])
    #expect(check.screenshotBytes > 20_000)

    let markdown = try String(contentsOfFile: "\(out)/summary.md", encoding: .utf8)
    #expect(!markdown.contains("<script>"))
    #expect(markdown.contains("\\| \\`tick\\`"))
    #expect(markdown.split(separator: "\n").allSatisfy { $0.count < 1_200 })
    #expect(
      markdown.hasSuffix(
        "Reports: [HTML](index.html) · [SARIF](results.sarif) · [JUnit](junit.xml) · [findings.json](findings.json) · [graph](privilege-graph.svg)\n"))

    let junit = try String(contentsOfFile: "\(out)/junit.xml", encoding: .utf8)
    #expect(!junit.contains("\u{1}"))
    #expect(junit.contains("classname=\"capdiff.drift.CLEAN\""))
    #expect(junit.contains("name=\"CLEAN: no new cross-component access\""))
    // The subject's dot stays out of the classname Jenkins splits.
    #expect(junit.contains("<testcase name=\"SUBJ &lt;script&gt;"))
  }

  /// A report that cannot be written leaves every report of the last run as it was.
  @Test func aFailedReportLeavesTheOldSetWhole() throws {
    let directory = try TemporaryDirectory()
    let out = "\(directory.path)/reports"
    try ReportSet.write(hostileInput(), to: out, formats: Set(ReportFormat.allCases))
    let before = try String(contentsOfFile: "\(out)/findings.json", encoding: .utf8)
    try FileManager.default.removeItem(atPath: "\(out)/results.sarif")
    try FileManager.default.createDirectory(atPath: "\(out)/results.sarif", withIntermediateDirectories: false)
    var changed = hostileInput()
    changed.document.findings = []
    #expect(throws: (any Error).self) { try ReportSet.write(changed, to: out, formats: Set(ReportFormat.allCases)) }
    #expect(try String(contentsOfFile: "\(out)/findings.json", encoding: .utf8) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") } == [])
  }

  @Test func sourceLinksOfRemovedAccessesPointAtBase() {
    var input = hostileInput()
    input.document.base.commit = String(repeating: "b", count: 40)
    var finding = input.document.findings[0]
    #expect(input.link(path: "fs/a.c", line: 3, of: finding) == "https://example.org/fs/a.c?id=\(String(repeating: "a", count: 40))#n3")
    // A removed access's evidence is base's: its lines are base's lines.
    finding.kind = FindingKind.removedAccess.rawValue
    #expect(input.link(path: "fs/a.c", line: 3, of: finding) == "https://example.org/fs/a.c?id=\(String(repeating: "b", count: 40))#n3")
  }

  @Test func krxChartSaysWhichWayIsSafer() {
    let svg = KRXChart.svg([
      CheckOutcome(check: "krx-base-slide", status: .held, message: "", baseMeasure: 9, headMeasure: 9),
      CheckOutcome(check: "krx-rigid-block", status: .held, message: "", baseMeasure: 0.2, headMeasure: 0.2),
    ])
    #expect(svg.components(separatedBy: "is safer</text>").count == 3)
    #expect(svg.contains(">krx-base-slide</text><text x=\"0\" y=\"42\" fill=\"#57606a\" font-size=\"9\">higher is safer</text>"))
    #expect(svg.contains(">krx-rigid-block</text><text x=\"0\" y=\"76\" fill=\"#57606a\" font-size=\"9\">lower is safer</text>"))
  }

  @Test func htmlCountsSuppressedFindingsApart() throws {
    var input = hostileInput(findings: 3)
    input.document.findings[1].suppressed = true
    let html = String(decoding: try HTMLWriter.render(input, graphSVG: nil), as: UTF8.self)
    #expect(html.contains("<h2>Findings (4, 1 of them suppressed)</h2>"))
    #expect(html.contains("3 findings: new-access"))
  }

  @Test func htmlShowsWhyOnlyForSkippedChecks() throws {
    var input = hostileInput()
    input.document.krx = [
      CheckOutcome(check: "krx-wx", status: .held, message: "no new W+X kernel pages", basis: "page-table dump"),
      CheckOutcome(check: "krx-rigid-block", status: .skipped, message: "skipped: base needs three or more layout samples", basis: "1 kallsyms sample"),
    ]
    let html = String(decoding: try HTMLWriter.render(input, graphSVG: nil), as: UTF8.self)
    let cells = html.components(separatedBy: "<td class=\"basis\">").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
    #expect(cells == ["page-table dump", "skipped: base needs three or more layout samples"])
  }

  /// A protection missing on both sides is neither a pass nor a failure.
  @Test func unmetChecksAreSkippedCasesAndCountedApart() throws {
    var input = hostileInput()
    input.document.krx = [
      CheckOutcome(check: "krx-config", item: "CONFIG_VMAP_STACK", status: .held, message: "CONFIG_VMAP_STACK holds in head"),
      CheckOutcome(
        check: "krx-config", item: "CONFIG_FG_KASLR", status: .unmet,
        message: "CONFIG_FG_KASLR holds in neither base nor head: no change"),
    ]
    let xml = String(decoding: JUnitWriter.render(input), as: UTF8.self)
    let unmet = xml.components(separatedBy: "<testcase name=\"krx-config: CONFIG_FG_KASLR\"").dropFirst().first ?? ""
    #expect(
      unmet.components(separatedBy: "</testcase>")[0].contains(
        "<skipped message=\"unmet in base and head: CONFIG_FG_KASLR holds in neither base nor head: no change\"/>"))
    #expect(xml.contains("<testsuite name=\"kR^X\" package=\"capdiff.krx\" id=\"1\""))
    #expect(xml.contains("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\""))
    let markdown = String(decoding: MarkdownWriter.render(input, linked: []), as: UTF8.self)
    #expect(markdown.contains("kR^X: 1 held, 0 regressed, 1 unmet in base and head, 0 skipped.\n"))
  }

  @Test func junitNamesNeverRepeatAndSuitesCountTheirCases() throws {
    var input = hostileInput(findings: 3)
    // Three findings with one name.
    input.document.findings = input.document.findings.map { var f = $0; f.subject = "S"; f.object = "O"; return f }
    let xml = String(decoding: JUnitWriter.render(input), as: UTF8.self)
    #expect(xml.contains("name=\"S -&gt; O: new write access\""))
    #expect(xml.contains("name=\"S -&gt; O: new write access (2)\""))
    #expect(xml.contains("name=\"S -&gt; O: new write access (3)\""))
    #expect(xml.contains("<testsuite name=\"privilege drift\" package=\"capdiff.drift\" id=\"0\""))
    // Three failing findings, and a passing case for the one head subject
    // component no finding belongs to.
    #expect(xml.contains("tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\""))
    #expect(xml.contains("name=\"CLEAN: no new cross-component access\""))
  }

  @Test func junitPassesNoComponentWhoseFunctionGainedAccess() throws {
    // At function granularity a finding's subject is a function; its component is what the passing cases are about.
    var input = hostileInput(findings: 1)
    input.document.findings = input.document.findings.map {
      var f = $0
      f.subject = "ext4_fc_commit"
      f.subjectComponent = "EXT4 FILE SYSTEM"
      return f
    }
    input.subjectComponents = ["EXT4 FILE SYSTEM", "NETWORKING [GENERAL]"]
    let xml = String(decoding: JUnitWriter.render(input), as: UTF8.self)
    #expect(!xml.contains("EXT4 FILE SYSTEM: no new cross-component access"))
    #expect(xml.contains("name=\"NETWORKING [GENERAL]: no new cross-component access\""))
  }

  /// GitHub code scanning refuses a whole log for one result with no location.
  @Test func everySARIFResultHasALocation() throws {
    var input = hostileInput()
    var unlocated = input.document.findings[0]
    unlocated.id = "no-file"
    unlocated.evidence = unlocated.evidence.map { var e = $0; e.file = nil; return e }
    let slide = Finding.krx(
      check: "krx-base-slide", item: nil, severity: .high, failsGate: true, baseValue: "9 bits", headValue: "0 bits",
      threshold: nil, message: "head's _text never moves across its boots while base's did")
    let config = Finding.krx(
      check: "krx-config", item: "CONFIG_VMAP_STACK", severity: .high, failsGate: true, baseValue: "y", headValue: "is not set",
      threshold: "expected y", message: "CONFIG_VMAP_STACK held in base and no longer holds in head",
      file: "arch/x86/configs/x86_64_defconfig", line: 7)
    // A removed access is named by its file; its line is base's, kept apart.
    var removed = input.document.findings[0]
    removed.id = "removed"
    removed.kind = FindingKind.removedAccess.rawValue
    input.document.findings = [input.document.findings[0], unlocated, slide, config, removed]
    let log = try #require(try JSONSerialization.jsonObject(with: Data(SARIFWriter.render(input))) as? [String: Any])
    let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
    let locations = results.map { result -> String in
      let physical = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
      let uri = (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? "none"
      return ((physical?["region"] as? [String: Any])?["startLine"] as? Int).map { "\(uri):\($0)" } ?? uri
    }
    #expect(
      locations == ["fs/%3Cweird%3E%20dir/a%26b.c:12", "Makefile:1", "Makefile:1", "arch/x86/configs/x86_64_defconfig:7", "fs/%3Cweird%3E%20dir/a%26b.c:1"])
    #expect((results[4]["properties"] as? [String: String])?["baseLine"] == "12")
  }

  @Test func sarifKeepsTheMostSevereResultsAndLocatesThem() throws {
    let input = hostileInput(findings: SARIFWriter.resultLimit + 7)
    let log = try #require(try JSONSerialization.jsonObject(with: Data(SARIFWriter.render(input))) as? [String: Any])
    let run = try #require((log["runs"] as? [[String: Any]])?.first)
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.count == SARIFWriter.resultLimit)
    #expect((run["properties"] as? [String: Any])?["omittedResults"] as? Int == 8)
    let location = try #require((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
    #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "fs/%3Cweird%3E%20dir/a%26b.c")
    #expect((location["region"] as? [String: Any])?["startLine"] as? Int == 12)
    #expect((results.first?["partialFingerprints"] as? [String: String])?["capdiffFinding/v1"] != nil)
  }
}
