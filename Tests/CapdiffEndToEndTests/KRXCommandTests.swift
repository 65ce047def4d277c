import CapdiffTestSupport
import Foundation
import Testing

@Suite struct KRXCommandTests {
  @Test func evidenceFilesToFindingsAndExitStatus() throws {
    let directory = try TemporaryDirectory()
    let baseConfig = try directory.write("config-base", "CONFIG_RANDOMIZE_BASE=y\nCONFIG_DEBUG_WX=y\n")
    let headConfig = try directory.write("config-head", "# CONFIG_RANDOMIZE_BASE is not set\nCONFIG_DEBUG_WX=y\n")
    let baseCmdline = try directory.write("cmdline-base", "BOOT_IMAGE=/vmlinuz ro quiet\n")
    let headCmdline = try directory.write("cmdline-head", "BOOT_IMAGE=/vmlinuz ro quiet nokaslr\n")
    let out = "\(directory.path)/reports"
    let result = try run(
      capdiff,
      [
        "krx", "--base-config", baseConfig, "--head-config", headConfig, "--base-cmdline", baseCmdline,
        "--head-cmdline", headCmdline, "--out", out,
      ])
    #expect(result.status == 8, "\(result.standardError)")
    #expect(result.standardOutput.contains("krx-cmdline              REGRESSED head's command line adds 'nokaslr', which base did not have FAILS GATE"))
    #expect(result.standardOutput.contains("krx-base-slide           skipped   skipped: base needs kallsyms of two or more boots, has 0"))
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/findings.json"))
    let document = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(document["verdict"] as? String == "fail")
    #expect(document["scheme"] is NSNull)
    // RANDOMIZE_MEMORY, left to its default y in base's defconfig, goes with RANDOMIZE_BASE.
    #expect((document["counts"] as? [String: Int])?["krx"] == 3)
    let findings = try #require(document["findings"] as? [[String: Any]])
    #expect(findings.map { $0["kind"] as? String } == ["krx-cmdline", "krx-config", "krx-config"])
    let config = try #require(findings.first { $0["item"] as? String == "CONFIG_RANDOMIZE_BASE" })
    #expect(config["check"] as? String == "krx-config")
    #expect(config["baseValue"] as? String == "RANDOMIZE_BASE=y")
    #expect(config["headValue"] as? String == "RANDOMIZE_BASE is not set")
    #expect(config["subject"] is NSNull)
    #expect(config["runs"] is NSNull)
    let checks = try #require(document["krx"] as? [[String: Any]])
    #expect(Set(checks.compactMap { $0["check"] as? String }).count == 9)

    // The same evidence on both sides: nothing to report.
    let same = try run(capdiff, ["krx", "--base-config", baseConfig, "--head-config", baseConfig])
    #expect(same.status == 0, "\(same.standardError)")
  }

  @Test func badEvidenceNamesFileAndLine() throws {
    let directory = try TemporaryDirectory()
    let dump = try directory.write("ptdump", "---[ High Kernel Mapping ]---\n0xffffffff81000000-0xffffffff81e00000 14M ro x\n")
    let result = try run(capdiff, ["krx", "--base-ptdump", dump, "--head-ptdump", dump])
    #expect(result.status == 1)
    #expect(
      result.standardError.contains(
        "ptdump:2:1: error: expected a page-table line '0xSTART-0xEND  SIZE  [USR] RW|ro [PWT PCD PSE GLB] x|NX LEVEL', found '0xffffffff81000000-0xffffffff81e00000 14M ro x'"
      ))
  }
}
