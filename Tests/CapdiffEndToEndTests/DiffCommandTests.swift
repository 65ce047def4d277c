import CapdiffTestSupport
import Foundation
import Git
import Testing

@Suite struct DiffCommandTests {
  @Test func fromKmapsThroughRecordAndDiffToFindingsAndExitStatus() throws {
    let kernel = try KernelRepository()
    let elf = try KernelELF(
      in: kernel.directory,
      sources: [
        "fs/ext4/inode.c": "int ext4_write(int x) {\n  return x + 1;\n}\n",
        "net/core/sock.c": "long sk_alloc(long n) {\n  return n * 2;\n}\nlong sock_sendmsg(long n) {\n  return n + 3;\n}\nvoid start_kernel(void) { sk_alloc(1); }\n",
      ])
    let hex = { (value: UInt64) in String(value, radix: 16) }
    let alloc = hex(try elf.address(of: "sk_alloc") + 4)
    let send = hex(try elf.address(of: "sock_sendmsg") + 4)
    let ext4 = hex(try elf.address(of: "ext4_write") + 4)
    let baseKmap = try kernel.directory.write("base.kmap", "\(alloc),1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  \(send),1,3,1\n")
    let headKmap = try kernel.directory.write(
      "head.kmap", "\(alloc),1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  \(send),1,3,1\n  \(ext4),2,0,1\n")
    let store = "\(kernel.directory.path)/baselines"
    for (rev, kmap) in [("v6.1", baseKmap), ("HEAD", headKmap)] {
      let result = try run(capdiff, ["record", "--repo", kernel.path, "--rev", rev, "--store", store, "--symbols", elf.path, "--workload", "ltp", kmap])
      #expect(result.status == 0, "\(result.standardError)")
    }
    let out = "\(kernel.directory.path)/reports"
    let diff = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--out", out, "--verbose", "v6.1", "HEAD"])
    #expect(diff.status == 8, "\(diff.standardError)")
    #expect(diff.standardOutput.contains("EXT4 FILE SYSTEM now writes objects owned by NETWORKING CORE"))
    #expect(diff.standardOutput.contains("ext4_write (fs/ext4/inode.c:1) -> sk_alloc [TCP]: 0 R 2 W"))
    #expect(diff.standardOutput.contains("subsystem renamed: 'NETWORKING [GENERAL]' -> 'NETWORKING CORE'"))
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/findings.json"))
    let document = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(document["schemaVersion"] as? Int == 1)
    #expect(document["verdict"] as? String == "fail")
    #expect(document["scheme"] as? String == "maintainers")
    let base = try #require(document["base"] as? [String: Any])
    #expect(base["commit"] as? String == kernel.first.hex)
    #expect(base["describe"] as? String == "v6.1")
    let counts = try #require(document["counts"] as? [String: Int])
    #expect(counts == ["new-access": 1, "escalation": 0, "removed-access": 0, "growth": 0, "forbidden-access": 0, "krx": 0, "suppressed": 0])
    let findings = try #require(document["findings"] as? [[String: Any]])
    #expect(findings.count == 1)
    let finding = findings[0]
    #expect(finding["kind"] as? String == "new-access")
    #expect(finding["severity"] as? String == "high")
    #expect(finding["subject"] as? String == "EXT4 FILE SYSTEM")
    #expect(finding["object"] as? String == "NETWORKING CORE")
    #expect(finding["access"] as? String == "write")
    #expect(finding["suppressed"] as? Bool == false)
    #expect(finding["suppression"] is NSNull)
    #expect(finding["runs"] as? [String: Int] == ["seen": 1, "of": 1])
    let evidence = try #require((finding["evidence"] as? [[String: Any]])?.first)
    #expect(evidence["function"] as? String == "ext4_write")
    #expect(evidence["file"] as? String == "fs/ext4/inode.c")
    #expect(evidence["line"] as? Int == 1)  // the opening line: the access is in the prologue
    #expect(evidence["site"] as? String == "sk_alloc")
    #expect(evidence["siteFile"] as? String == "net/core/sock.c")
    #expect(evidence["slab"] as? String == "TCP")
    #expect(evidence["writes"] as? Int == 2)
    // Every report, valid as its consumers read it.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        == ["findings.json", "index.html", "junit.xml", "privilege-graph.dot", "privilege-graph.svg", "results.sarif", "summary.md"])
    #expect(ReportChecks.xmlSchemaErrors(file: "\(out)/junit.xml", schema: "\(ReportChecks.schemas)/junit.xsd") == [])
    let junit = try String(contentsOfFile: "\(out)/junit.xml", encoding: .utf8)
    #expect(junit.contains("<testcase name=\"EXT4 FILE SYSTEM -&gt; NETWORKING CORE: new write access\" classname=\"capdiff.drift.EXT4 FILE SYSTEM\" time=\"0\">"))
    #expect(junit.contains("<property name=\"base.describe\" value=\"v6.1\"/>"))
    #expect(try ReportChecks.sarifErrors("\(out)/results.sarif") == nil)
    let sarif = try String(contentsOfFile: "\(out)/results.sarif", encoding: .utf8)
    #expect(sarif.contains("\"uri\" : \"fs/ext4/inode.c\""))
    let dot = try String(contentsOfFile: "\(out)/privilege-graph.dot", encoding: .utf8)
    #expect(dot.contains("n0 -> n1 [label=\"write\", color=\"#d62728\""))
    let html = try String(contentsOfFile: "\(out)/index.html", encoding: .utf8)
    #expect(html.contains("<svg"))
    #expect(html.contains("Rename the networking entry"))
    let page = try ReportChecks.chromium("\(out)/index.html", screenshot: "\(kernel.directory.path)/shot.png")
    #expect(page.console == [])
    #expect(page.screenshotBytes > 20_000)
    let markdown = try String(contentsOfFile: "\(out)/summary.md", encoding: .utf8)
    #expect(markdown.hasPrefix("## capdiff: ❌ FAIL — v6.1 → v6.1-1-g"))
    // --format picks a subset.
    let subset = "\(kernel.directory.path)/subset"
    let picked = try run(
      capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--out", subset, "--format", "junit", "markdown", "--", "v6.1", "HEAD"])
    #expect(picked.status == 8, "\(picked.standardError)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: subset).sorted() == ["junit.xml", "summary.md"])
    // The summary links to what was written beside it, and nothing else.
    let subsetMarkdown = try String(contentsOfFile: "\(subset)/summary.md", encoding: .utf8)
    #expect(subsetMarkdown.hasSuffix("Reports: [JUnit](junit.xml)\n"))

    // The same finding, the same id, run after run.
    let again = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--out", out, "v6.1", "HEAD"])
    #expect(again.status == 8)
    let second = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/findings.json"))) as? [String: Any])
    #expect(((second["findings"] as? [[String: Any]])?.first?["id"] as? String) == finding["id"] as? String)

    // A suppression with a reason turns the gate to pass: exit 0 (nothing unsuppressed left).
    let policy = try kernel.directory.write(
      "capdiff.yml",
      "suppressions:\n  - subject: \"EXT4*\"\n    object: \"NETWORKING*\"\n    reason: socket buffers borrowed by ext4 journalling\n    owner: fs-team\n    expires: 2999-01-01\n")
    let suppressed = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--policy", policy, "v6.1", "HEAD"])
    #expect(suppressed.status == 0, "\(suppressed.standardOutput)\(suppressed.standardError)")
    #expect(suppressed.standardOutput.contains("(suppressed: socket buffers borrowed by ext4 journalling)"))
    // A rule naming no component of either side applies to nothing, and says so.
    let rules = try kernel.directory.write(
      "rules.yml",
      "never:\n  - {subject: \"*\", object: \"CREDENTIALS\", access: write}\n  - {subject: \"EXT4*\", object: \"NETWORKING*\", access: read}\n")
    let ruled = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--policy", rules, "v6.1", "HEAD"])
    #expect(ruled.status == 8)
    #expect(
      ruled.standardOutput.contains(
        "  warning: the never rule of policy line 2 applies to nothing: its object 'CREDENTIALS' matches no component of base or head\n"))
    #expect(!ruled.standardOutput.contains("policy line 3"))
    // A suppression without a reason is refused, naming file and line.
    let noReason = try kernel.directory.write("bad.yml", "suppressions:\n  - subject: X\n    object: Y\n")
    let refused = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--policy", noReason, "v6.1", "HEAD"])
    #expect(refused.status == 1)
    #expect(refused.standardError == "\(noReason):2:5: error: 'suppressions[0]' needs a 'reason': say why this finding is accepted\n")
    let blank = try kernel.directory.write("blank.yml", "suppressions:\n  - subject: X\n    object: Y\n    reason: '   '\n")
    let blankRefused = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--policy", blank, "v6.1", "HEAD"])
    #expect(blankRefused.status == 1)
    #expect(blankRefused.standardError == "\(blank):4:13: error: 'reason' is blank: say why this finding is accepted\n")
    // A policy's bytes are quoted, never obeyed: an escape sequence is shown as \xNN.
    let escape = try kernel.directory.write("escape.yml", "mode: \"x\\e[2Jy\"\n")
    let escaped = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--policy", escape, "v6.1", "HEAD"])
    #expect(escaped.status == 1)
    #expect(escaped.standardError.contains("found 'x\\x1b[2Jy'"), "\(escaped.standardError)")
    #expect(!escaped.standardError.contains("\u{1b}"))
    // --out under a file is named in words.
    let underFile = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "ltp", "--out", "\(blank)/reports", "v6.1", "HEAD"])
    #expect(underFile.status == 1)
    #expect(underFile.standardError == "\(blank)/reports: error: cannot make this folder: \(blank) is a file, not a folder\n")

    // Snapshot files written with --out and keyed by --repo/--rev diff as stored ones do.
    for (rev, kmap) in [("v6.1", baseKmap), ("HEAD", headKmap)] {
      let file = "\(kernel.directory.path)/\(rev).capmap"
      let recorded = try run(
        capdiff, ["record", "--repo", kernel.path, "--rev", rev, "--symbols", elf.path, "--workload", "ltp", "--out", file, kmap])
      #expect(recorded.status == 0, "\(recorded.standardError)")
    }
    let files = try run(
      capdiff, ["diff", "--repo", kernel.path, "\(kernel.directory.path)/v6.1.capmap", "\(kernel.directory.path)/HEAD.capmap"])
    #expect(files.status == 8, "\(files.standardError)")
    #expect(files.standardOutput.contains("EXT4 FILE SYSTEM now writes objects owned by NETWORKING CORE"))
    // --rev HEAD names a commit even though HEAD is the default one.
    let head = "\(kernel.directory.path)/head-again.capmap"
    #expect(
      try run(capdiff, ["record", "--rev", "HEAD", "--symbols", elf.path, "--workload", "ltp", "--out", head, headKmap], directory: kernel.path)
        .status == 0)
    #expect(try run(capdiff, ["diff", "--repo", kernel.path, "\(kernel.directory.path)/v6.1.capmap", head]).status == 8)
    // Without them the file names no commit, whose MAINTAINERS the diff would need: an input problem, exit 1.
    let loose = "\(kernel.directory.path)/loose.capmap"
    #expect(try run(capdiff, ["record", "--symbols", elf.path, "--workload", "ltp", "--out", loose, headKmap], directory: "/").status == 0)
    let unkeyed = try run(capdiff, ["diff", "--repo", kernel.path, "\(kernel.directory.path)/v6.1.capmap", loose])
    #expect(unkeyed.status == 1)
    #expect(unkeyed.standardError.contains("The head snapshot is not keyed to a commit"))

    // From a subdirectory of the tree, the default store at its top is found, as the repository is.
    #expect(
      try run(capdiff, ["record", "--rev", "HEAD", "--symbols", elf.path, "--workload", "sub", headKmap], directory: kernel.path).status == 0)
    try FileManager.default.createDirectory(atPath: "\(kernel.path)/fs/ext4", withIntermediateDirectories: true)
    let fromBelow = try run(capdiff, ["show", "--workload", "sub", "HEAD"], directory: "\(kernel.path)/fs/ext4")
    #expect(fromBelow.status == 0, "\(fromBelow.standardError)")
    #expect(fromBelow.standardOutput.contains("workload       sub (1 run)"))
    // And a store first made from below is made at the top, where the next command looks.
    let other = try TemporaryDirectory()
    try FileManager.default.copyItem(atPath: kernel.path, toPath: "\(other.path)/linux")
    try FileManager.default.removeItem(atPath: "\(other.path)/linux/baselines")
    let madeBelow = try run(
      capdiff, ["record", "--rev", "HEAD", "--symbols", elf.path, "--workload", "sub", headKmap], directory: "\(other.path)/linux/fs/ext4")
    #expect(madeBelow.status == 0, "\(madeBelow.standardError)")
    #expect(other.exists("linux/baselines") && !other.exists("linux/fs/ext4/baselines"))
    // Inside another project's checkout, working on the kernel by --repo, the store stays where the user is.
    _ = try Repository.create(at: "\(other.path)/project")
    try FileManager.default.createDirectory(atPath: "\(other.path)/project/sub", withIntermediateDirectories: true)
    let elsewhere = try run(
      capdiff, ["record", "--repo", kernel.path, "--rev", "HEAD", "--symbols", elf.path, "--workload", "x", headKmap],
      directory: "\(other.path)/project/sub")
    #expect(elsewhere.status == 0, "\(elsewhere.standardError)")
    #expect(other.exists("project/sub/baselines") && !other.exists("project/baselines"))

    // Recorded with a System.map, subjects have no files: the verdict says what it cannot see.
    let map = try kernel.directory.write(
      "System.map",
      try ["ext4_write", "sk_alloc", "sock_sendmsg", "start_kernel"].map { "\(hex(try elf.address(of: $0))) T \($0)\n" }.joined())
    let mapStore = "\(kernel.directory.path)/map-store"
    for (rev, kmap) in [("v6.1", baseKmap), ("HEAD", headKmap)] {
      let recorded = try run(
        capdiff, ["record", "--repo", kernel.path, "--rev", rev, "--store", mapStore, "--symbols", map, "--workload", "ltp", kmap])
      #expect(recorded.status == 0, "\(recorded.standardError)")
    }
    let blind = try run(
      capdiff, ["diff", "--repo", kernel.path, "--store", mapStore, "--workload", "ltp", "--out", "\(out)-map", "v6.1", "HEAD"])
    #expect(blind.status == 0, "\(blind.standardError)")
    let warning =
      "base and head were recorded with System.map, without source files: a subject is [unknown] unless a policy function: rule places it, so no new cross-component access by other code can be found; record with a vmlinux that carries DWARF (a -dbg package's)"
    #expect(blind.standardOutput.contains("  warning: \(warning)\n"))
    let blindDocument = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)-map/findings.json"))) as? [String: Any])
    #expect(blindDocument["warnings"] as? [String] == [warning])
    #expect(try String(contentsOfFile: "\(out)-map/summary.md", encoding: .utf8).contains("> ⚠ base and head were recorded with System.map"))
    // One side with files and one without cannot be compared at all.
    let mixed = "\(kernel.directory.path)/mixed-store"
    for (rev, symbols) in [("v6.1", elf.path), ("HEAD", map)] {
      #expect(
        try run(
          capdiff, ["record", "--repo", kernel.path, "--rev", rev, "--store", mixed, "--symbols", symbols, "--workload", "ltp", headKmap]
        ).status == 0)
    }
    let refusedMix = try run(capdiff, ["diff", "--repo", kernel.path, "--store", mixed, "--workload", "ltp", "v6.1", "HEAD"])
    #expect(refusedMix.status == 1)
    #expect(
      refusedMix.standardError.contains(
        "base was recorded with vmlinux (with source files) and head with System.map (without source files): their subjects cannot be compared"))
  }

  @Test func krxEvidenceRecordedWithTheSnapshotsGatesTheDiff() throws {
    let kernel = try KernelRepository()
    let elf = try KernelELF(in: kernel.directory, sources: ["net/core/sock.c": "long sk_alloc(long n) {\n  return n * 2;\n}\n"])
    let alloc = String(try elf.address(of: "sk_alloc") + 4, radix: 16)
    let kmap = try kernel.directory.write("run.kmap", "\(alloc),1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  \(alloc),1,3,1\n")
    let store = "\(kernel.directory.path)/baselines"
    for rev in ["v6.1", "HEAD"] {
      let result = try run(
        capdiff,
        [
          "record", "--repo", kernel.path, "--rev", rev, "--store", store, "--symbols", elf.path, "--workload", "boot",
          "--config-path", "arch/x86/configs/x86_64_defconfig", kmap,
        ])
      #expect(result.status == 0, "\(result.standardError)")
    }
    let out = "\(kernel.directory.path)/reports"
    let diff = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "boot", "--out", out, "v6.1", "HEAD"])
    #expect(diff.status == 8, "\(diff.standardOutput)\(diff.standardError)")
    #expect(diff.standardOutput.contains("krx-config               REGRESSED CONFIG_RANDOMIZE_BASE held in base and no longer holds in head FAILS GATE"))
    // The held items not listed are counted.
    #expect(diff.standardOutput.contains("krx-config               held      7 more items held (--verbose lists them)\n"))
    // The vmlinux's section headers came with the symbols: the text-coverage check ran.
    #expect(diff.standardOutput.contains("krx-text-coverage        unmet     no code lies in separately randomisable .text.* sections in base or head"))
    let document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/findings.json"))) as? [String: Any])
    // RANDOMIZE_MEMORY depends on RANDOMIZE_BASE and goes with it.
    #expect((document["counts"] as? [String: Int])?["krx"] == 2)
    let krxItems = (document["findings"] as? [[String: Any]])?.filter { $0["kind"] as? String == "krx-config" }.map { $0["item"] as? String }
    #expect(Set(krxItems ?? []) == ["CONFIG_RANDOMIZE_BASE", "CONFIG_RANDOMIZE_MEMORY"])
    let summary = try String(contentsOfFile: "\(out)/summary.md", encoding: .utf8)
    #expect(summary.contains("| high (gate) | `krx-config` | CONFIG\\_RANDOMIZE\\_BASE | CONFIG\\_RANDOMIZE\\_BASE held in base and no longer holds in head |"))
    // SARIF locates the kR^X result at the option's line in the tree's configuration file.
    #expect(try sarifLocation(of: "krx-config", in: "\(out)/results.sarif") == "arch/x86/configs/x86_64_defconfig:1")
    #expect(ReportChecks.xmlSchemaErrors(file: "\(out)/junit.xml", schema: "\(ReportChecks.schemas)/junit.xsd") == [])
    #expect((document["counts"] as? [String: Int])?["new-access"] == 0)
    // A path that is not in the tree is named.
    let missing = try run(
      capdiff,
      ["record", "--repo", kernel.path, "--rev", "v6.1", "--store", store, "--symbols", elf.path, "--workload", "x", "--config-path", "nope/.config", kmap])
    #expect(missing.status == 1)
    #expect(missing.standardError.contains("nope/.config: error: is not in the tree at"))
  }

  @Test func sarifLocatesAConfigurationOnlyWhenItIsTheTreesFile() throws {
    let kernel = try KernelRepository()
    let elf = try KernelELF(in: kernel.directory, sources: ["net/core/sock.c": "long sk_alloc(long n) {\n  return n * 2;\n}\n"])
    let alloc = String(try elf.address(of: "sk_alloc") + 4, radix: 16)
    let kmap = try kernel.directory.write("run.kmap", "\(alloc),1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  \(alloc),1,3,1\n")
    let store = "\(kernel.directory.path)/baselines"
    let common = ["--repo", kernel.path, "--store", store, "--symbols", elf.path, "--workload", "boot"]
    let base = try run(capdiff, ["record", "--rev", "v6.1"] + common + ["--config-path", "arch/x86/configs/x86_64_defconfig", kmap])
    #expect(base.status == 0, "\(base.standardError)")
    // Head's configuration, the same text as its tree's, from standard input and from /boot.
    let text = "# CONFIG_RANDOMIZE_BASE is not set\nCONFIG_VMAP_STACK=y\n"
    let boot = try kernel.directory.write("boot/config-6.2", text)
    for config in ["-", boot] {
      let head = try run(capdiff, ["record", "--rev", "HEAD", "--replace"] + common + ["--config", config, kmap], input: Array(text.utf8))
      #expect(head.status == 0, "\(head.standardError)")
      let out = "\(kernel.directory.path)/reports"
      let diff = try run(capdiff, ["diff", "--repo", kernel.path, "--store", store, "--workload", "boot", "--out", out, "v6.1", "HEAD"])
      #expect(diff.status == 8, "\(diff.standardOutput)\(diff.standardError)")
      // Not the tree's file: the result is about the kernel as a whole, and
      // code scanning refuses a log with a result that has no location.
      #expect(try sarifLocation(of: "krx-config", in: "\(out)/results.sarif") == "Makefile:1")
      #expect(try ReportChecks.sarifErrors("\(out)/results.sarif") == nil)
    }
  }
}

/// `uri:line` (or `uri`) of the first SARIF result of `rule`, or nil when it has no location.
private func sarifLocation(of rule: String, in path: String) throws -> String? {
  let log = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
  let result = try #require(results.first { $0["ruleId"] as? String == rule })
  guard let physical = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any],
    let uri = (physical["artifactLocation"] as? [String: Any])?["uri"] as? String
  else { return nil }
  return ((physical["region"] as? [String: Any])?["startLine"] as? Int).map { "\(uri):\($0)" } ?? uri
}
