import Testing

@testable import CapdiffCommands
@testable import Drift

@Suite struct FindingsTextTests {
  /// A family with nothing regressed or skipped is one line that still names what is unmet.
  @Test func aQuietFamilyNamesItsUnmetItems() {
    let side = FindingsDocument.Side(commit: nil, describe: "v6.1", workload: "boot", runs: 1)
    func document(_ outcomes: [CheckOutcome]) -> FindingsDocument {
      FindingsDocument(
        toolVersion: "0.1.0", base: side, head: side, scheme: nil, granularity: nil,
        report: nil, krxFindings: [], krx: outcomes,
        maintainersChanges: [])
    }
    let held = CheckOutcome(check: "krx-config", item: "CONFIG_VMAP_STACK", status: .held, message: "CONFIG_VMAP_STACK holds in head")
    let unmet = CheckOutcome(
      check: "krx-config", item: "CONFIG_FG_KASLR", status: .unmet, message: "CONFIG_FG_KASLR holds in neither base nor head: no change")
    let mixed = FindingsText.render(document([held, unmet]), command: "krx", verbose: false, reportPath: nil)
    #expect(
      mixed.contains(
        "  krx-config               held      1 of 2 items held; unmet in base and head: CONFIG_FG_KASLR (--verbose lists them)\n"))
    let allHeld = FindingsText.render(document([held, held]), command: "krx", verbose: false, reportPath: nil)
    #expect(allHeld.contains("  krx-config               held      all 2 items held (--verbose lists them)\n"))
    let verbose = FindingsText.render(document([held, unmet]), command: "krx", verbose: true, reportPath: nil)
    #expect(verbose.contains("  krx-config               unmet     CONFIG_FG_KASLR holds in neither base nor head: no change\n"))
  }

  @Test func aRemovedEdgeIsInNoHeadRun() {
    let side = FindingsDocument.Side(commit: nil, describe: "v6.1", workload: "boot", runs: 3)
    let removed = Finding(
      id: "r", kind: FindingKind.removedAccess.rawValue, severity: .info, subject: "EXT4", object: "NET", access: .read,
      suppressed: false, suppression: nil, runs: Finding.Runs(seen: 0, of: 3), message: "EXT4 no longer reads objects owned by NET",
      coverage: nil, failsGate: false, evidence: [], subjectComponent: "EXT4", objectComponent: "NET")
    var document = FindingsDocument(
      toolVersion: "0.1.0", base: side, head: side, scheme: "maintainers", granularity: "component", report: nil)
    document.findings = [removed]
    let text = FindingsText.render(document, command: "diff", verbose: false, reportPath: nil)
    #expect(text.contains("removed-access EXT4 no longer reads objects owned by NET [seen in none of 3 head runs]\n"))
  }

  /// Between releases MAINTAINERS changes by the hundred: counted, so the verdict stays in view.
  @Test func manyMaintainersChangesAreCounted() {
    let side = FindingsDocument.Side(commit: nil, describe: "v6.1", workload: "boot", runs: 1)
    let changes =
      (0..<9).map { "subsystem added: 'S\($0)'" } + (0..<3).map { "subsystem removed: 'R\($0)'" }
      + (0..<2).map { "file moved: fs/f\($0).c from 'A' to 'B'" }
    let document = FindingsDocument(
      toolVersion: "0.1.0", base: side, head: side, scheme: "maintainers", granularity: "component", report: nil,
      maintainersChanges: changes)
    let quiet = FindingsText.render(document, command: "diff", verbose: false, reportPath: nil)
    #expect(quiet.contains("  9 subsystem added, 3 subsystem removed, 2 file moved (--verbose and the reports list them)\n"))
    #expect(!quiet.contains("'S0'"))
    #expect(FindingsText.render(document, command: "diff", verbose: true, reportPath: nil).contains("  subsystem added: 'S0'\n"))
  }
}
