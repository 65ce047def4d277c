import CapdiffTestSupport
import Foundation
import Git
import Snapshot
import Store
import Testing

/// A linear history c0 (v1) … c4 (v2), and snapshots stored directly.
struct History {
  let directory: TemporaryDirectory
  let path: String
  let store: String
  let commits: [OID]
  let repository: Repository

  /// `files(i)` adds files to commit `i`.
  init(commits count: Int = 5, files extra: (Int) -> [String: [UInt8]] = { _ in [:] }) throws {
    directory = try TemporaryDirectory()
    path = "\(directory.path)/linux"
    store = "\(directory.path)/baselines"
    repository = try Repository.create(at: path)
    let signature = Signature(name: "Dev", email: "dev@example.org", time: 1_700_000_000)
    var commits: [OID] = []
    for index in 0..<count {
      let files: [String: [UInt8]] = [
        "Makefile": Array("VERSION = 6\nPATCHLEVEL = \(index)\n".utf8), "fs/a.c": Array("// \(index)\n".utf8),
      ].merging(extra(index)) { _, new in new }
      commits.append(
        try repository.commit(files: files, message: "change \(index)", parents: commits.suffix(1), signature: signature))
    }
    try repository.tag("v1", at: commits[0])
    try repository.tag("v2", at: commits[count - 1])
    self.commits = commits
  }

  /// Stores a snapshot at commit `index` holding `edges` ("fn@file -> site@file rw").
  func store(at index: Int, workload: String = "ltp", _ edges: [EdgeRow]) throws {
    let subjects = Array(Set(edges.map { Subject(function: $0.0, file: $0.1, module: nil) })).sorted()
    let sites = Array(Set(edges.map { ObjectSite(kind: .heap, name: $0.2, file: $0.3, allocType: .kmemCache, slab: nil) })).sorted()
    let rows = edges.map { edge in
      Edge(
        subject: subjects.firstIndex(of: Subject(function: edge.0, file: edge.1, module: nil))!,
        site: sites.firstIndex(of: ObjectSite(kind: .heap, name: edge.2, file: edge.3, allocType: .kmemCache, slab: nil))!,
        reads: edge.4, writes: edge.5, objects: 1, runs: 1, line: 3)
    }.sorted { ($0.subject, $0.site) < ($1.subject, $1.site) }
    var metadata = SnapshotMetadata(
      workload: workload, toolVersion: "test", symbolSource: "vmlinux", symbolFile: "vmlinux", hasFileInformation: true)
    metadata.commit = CommitMetadata(
      oid: commits[index].hex, describe: try repository.describe(commits[index]), kernelVersion: nil, subject: "change \(index)")
    let snapshot = Snapshot(metadata: metadata, runs: [RunRecord(inputs: [])], subjects: subjects, sites: sites, edges: rows)
    try DirectoryStore(path: store).update(commit: commits[index].hex, workload: workload) { _ in snapshot }
  }
}

/// A subject function and file, an allocating function and file, reads, writes.
typealias EdgeRow = (String, String, String, String, UInt64, UInt64)

let fsReadsNet = ("ext4_write", "fs/a.c", "sk_alloc", "net/s.c", UInt64(3), UInt64(0))
let kernelWritesMM = ("do_fork", "kernel/k.c", "mm_alloc", "mm/m.c", UInt64(1), UInt64(2))

@Suite struct GateTests {
  @Test func passesWhenNothingChangedAndFailsOnANewWrite() throws {
    let history = try History()
    try history.store(at: 1, [fsReadsNet])
    try history.store(at: 3, [fsReadsNet])
    let arguments = ["gate", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1"]
    let pass = try run(capdiff, arguments + ["--rev", history.commits[3].hex], directory: history.directory.path)
    #expect(pass.status == 0, "\(pass.standardError)")
    #expect(
      pass.standardError.contains(
        "baseline: v1-1-g\(history.commits[1].hex.prefix(12)) (2 commits before \(history.commits[3].abbreviated()) on its first-parent history)"))
    // Counted from the merge-base when the upstream's has no snapshot, as `baseline` says it.
    let upstream = try run(capdiff, arguments + ["--rev", history.commits[3].hex, "--upstream", history.commits[2].hex])
    #expect(
      upstream.standardError.contains(
        "baseline: v1-1-g\(history.commits[1].hex.prefix(12)) (1 commit before the merge-base \(history.commits[2].abbreviated()) with \(history.commits[2].abbreviated()) on its first-parent history)"
      ), "\(upstream.standardError)")
    let folder = "\(history.directory.path)/reports/v1-3-g\(history.commits[3].hex.prefix(12))"
    #expect(history.directory.exists("reports/v1-3-g\(history.commits[3].hex.prefix(12))/index.html"))
    #expect(pass.standardOutput.contains("report: reports/v1-3-g"))
    #expect(ReportChecks.xmlSchemaErrors(file: "\(folder)/junit.xml", schema: "\(ReportChecks.schemas)/junit.xsd") == [])

    try history.store(at: 4, [fsReadsNet, kernelWritesMM])
    let fail = try run(capdiff, arguments + ["--rev", "v2", "--out", "\(history.directory.path)/out"])
    #expect(fail.status == 8, "\(fail.standardError)")
    #expect(fail.standardOutput.contains("kernel now reads and writes objects owned by mm"))
    #expect(fail.standardError.contains("(1 commit before v2 on its first-parent history)"))
    #expect(history.directory.exists("out/results.sarif"))
    // An edge asked to be seen in more runs than head has: nothing can count, and the verdict says so.
    let diff = ["diff", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1"]
    let blind = try run(capdiff, diff + ["--min-runs", "2", history.commits[1].hex, "v2"])
    #expect(blind.standardOutput.hasPrefix("capdiff diff v1-1-g"), "\(blind.standardOutput)")
    #expect(blind.standardOutput.contains(": PASS\n"))
    #expect(
      blind.standardOutput.contains(
        "warning: a head edge counts only when seen in 2 runs (--min-runs or the policy's min-runs), and head has 1: no head edge counts, so no new access, escalation or forbidden access can be found; record more runs or lower it"
      ))
    // Snapshot files keyed to commits, compared outside the tree: dirs:N goes
    // without it, and the MAINTAINERS scheme says what it needs.
    let files = ["\(history.store)/\(history.commits[1].hex)/ltp.capmap", "\(history.store)/\(history.commits[4].hex)/ltp.capmap"]
    let away = try run(capdiff, ["diff", "--scheme", "dirs:1"] + files, directory: history.directory.path)
    #expect(away.status == 8, "\(away.standardError)")
    #expect(away.standardOutput.contains("kernel now reads and writes objects owned by mm"))
    let maintainers = try run(capdiff, ["diff"] + files, directory: history.directory.path)
    #expect(maintainers.status == 1)
    #expect(
      maintainers.standardError.contains(
        "the current directory is in no repository that holds them: give --repo, or use --scheme dirs:N."),
      "\(maintainers.standardError)")
    // Inside another repository, which lacks the commits, dirs:N goes without it too.
    let other = "\(history.directory.path)/other"
    _ = try Repository.create(at: other)
    let elsewhere = try run(capdiff, ["diff", "--scheme", "dirs:1"] + files, directory: other)
    #expect(elsewhere.status == 8, "\(elsewhere.standardError)")
    // --base names the baseline instead of finding it.
    let named = try run(capdiff, arguments + ["--rev", "v2", "--base", history.commits[1].hex, "--out", "\(history.directory.path)/out"])
    #expect(named.status == 8, "\(named.standardError)")
    #expect(named.standardError.contains("baseline: v1-1-g\(history.commits[1].hex.prefix(12)) (--base)"))
    let missing = try run(capdiff, arguments + ["--rev", "v2", "--base", history.commits[2].hex])
    #expect(missing.status == 1)
    #expect(missing.standardError.contains("named by --base"))
    #expect(try run(capdiff, arguments + ["--base", "v1", "--upstream", "v1"]).status == 2)
  }

  @Test func recordsTheHeadsKmapsAndStoresThemWithRecord() throws {
    let history = try History()
    let elf = try KernelELF(
      in: history.directory,
      sources: [
        "fs/a.c": "int ext4_write(int x) {\n  return x + 1;\n}\n",
        "net/s.c": "long sk_alloc(long n) {\n  return n * 2;\n}\nvoid start_kernel(void) { sk_alloc(1); }\n",
      ])
    let alloc = String(try elf.address(of: "sk_alloc") + 4, radix: 16)
    let ext4 = String(try elf.address(of: "ext4_write") + 4, radix: 16)
    let kmap = try history.directory.write("run.kmap", "\(alloc),1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  \(ext4),0,3,1\n")
    let common = ["--repo", history.path, "--store", history.store, "--workload", "ltp", "--symbols", elf.path]
    let base = try run(capdiff, ["record", "--rev", history.commits[1].hex] + common + [kmap])
    #expect(base.status == 0, "\(base.standardError)")
    let gate = try run(
      capdiff,
      ["gate", "--rev", history.commits[3].hex, "--record", "--scheme", "dirs:1", "--out", "\(history.directory.path)/out"] + common
        + [kmap])
    #expect(gate.status == 0, "\(gate.standardOutput)\(gate.standardError)")
    #expect(gate.standardError.contains("recorded ltp at v1-3-g"))
    #expect(try DirectoryStore(path: history.store).contains(commit: history.commits[3].hex, workload: "ltp"))
  }

  @Test func aHeadAlreadyInTheUpstreamIsComparedWithItsFirstParentsHistory() throws {
    let history = try History()
    try history.store(at: 1, [fsReadsNet])
    try history.store(at: 3, [fsReadsNet, kernelWritesMM])
    let result = try run(
      capdiff,
      [
        "gate", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "--rev",
        history.commits[3].hex, "--upstream", "v2", "--out", "\(history.directory.path)/out",
      ])
    #expect(result.status == 8, "\(result.standardError)")
    #expect(
      result.standardError.contains(
        "baseline: v1-1-g\(history.commits[1].hex.prefix(12)) (2 commits before \(history.commits[3].abbreviated()) on its first-parent history; \(history.commits[3].abbreviated()) is already in v2, so it is its own merge-base, and its own snapshot is no baseline)"
      ), "\(result.standardError)")
    #expect(result.standardOutput.contains("kernel now reads and writes objects owned by mm"))
  }

  /// A mistyped option's value lands among the kmaps: the option is what is named.
  @Test func aMistypedOptionIsNamed() throws {
    let typo = try run(capdiff, ["gate", "--workload", "ltp", "--polcy", "capdiff.yml"])
    #expect(typo.status == 2)
    #expect(typo.standardError.hasPrefix("Error: Unknown option '--polcy'. Did you mean '--policy'?"), "\(typo.standardError)")
    let noSymbols = try run(capdiff, ["gate", "--workload", "ltp", "run1.kmap"])
    #expect(noSymbols.status == 2)
    #expect(noSymbols.standardError.hasPrefix("Error: Kmaps need --symbols."))
  }

  @Test func evidenceOptionsWithoutKmapsAreAUsageError() throws {
    let history = try History()
    try history.store(at: 1, [fsReadsNet])
    try history.store(at: 3, [fsReadsNet])
    let result = try run(
      capdiff,
      [
        "gate", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "--rev",
        history.commits[3].hex, "--ptdump", "page_tables", "--layout", "boot1.kallsyms", "--out", "\(history.directory.path)/out",
      ])
    #expect(result.status == 2, "\(result.standardError)")
    #expect(
      result.standardError.hasPrefix(
        "Error: --layout, --ptdump: the evidence options need kmaps to record with; give the head's kmaps, or leave them out to compare its stored snapshot as recorded.\n"
      ), "\(result.standardError)")
    #expect(!history.directory.exists("out"))
  }

  @Test func noBaselineSaysHowToRecordOneOrDoesWhatItIsTold() throws {
    let history = try History()
    try history.store(at: 2, [fsReadsNet, kernelWritesMM])
    let arguments = [
      "gate", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "--rev",
      history.commits[2].hex, "--out", "\(history.directory.path)/out",
    ]
    let missing = try run(capdiff, arguments)
    #expect(missing.status == 1)
    #expect(
      missing.standardError.contains(
        "no snapshot of workload 'ltp' on the first-parent history of \(history.commits[2].hex); record one with 'capdiff record --repo \(history.path) --rev <base> --workload ltp --symbols … KMAP', or choose --no-baseline pass|fail|allowlist"
      ))
    #expect(try run(capdiff, arguments + ["--no-baseline", "pass"]).status == 0)
    #expect(try run(capdiff, arguments + ["--no-baseline", "fail"]).status == 8)
    // Allowlist: head alone against the policy's allow rules.
    let policy = try history.directory.write("capdiff.yml", "allow:\n  - {subject: fs, object: net}\n")
    let allow = try run(capdiff, arguments + ["--no-baseline", "allowlist", "--policy", policy])
    #expect(allow.status == 8, "\(allow.standardError)")
    #expect(allow.standardOutput.hasPrefix("capdiff gate (no baseline) -> v1-2-g"), "\(allow.standardOutput)")
    #expect(allow.standardOutput.contains("kernel reads and writes objects owned by mm, which no allow rule permits (default-deny)"))
    #expect(!allow.standardOutput.contains("fs reads"))
  }

  @Test func aShallowCloneNamesTheDeepenThatWouldHelp() throws {
    let history = try History()
    try history.store(at: 0, [fsReadsNet])
    try history.store(at: 4, [fsReadsNet])
    let shallow = "\(history.directory.path)/shallow"
    // Only the test makes the shallow clone with git; capdiff reads it with libgit2.
    let clone = try run("/usr/bin/git", ["clone", "-q", "--depth", "2", "file://\(history.path)", shallow])
    #expect(clone.status == 0, "\(clone.standardError)")
    let result = try run(
      capdiff,
      ["gate", "--repo", shallow, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "--out", "\(history.directory.path)/out"])
    #expect(result.status == 1)
    #expect(result.standardError.contains("git fetch --deepen="), "\(result.standardError)")
  }
}

@Suite struct HistoryTests {
  @Test func anEdgeIntroducedMidRangeIsPlacedBetweenTwoSnapshots() throws {
    let history = try History()
    try history.store(at: 0, [fsReadsNet])
    try history.store(at: 2, [fsReadsNet])
    try history.store(at: 4, [fsReadsNet, kernelWritesMM])
    let out = "\(history.directory.path)/history"
    let result = try run(
      capdiff, ["history", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "--out", out, "v1..v2"])
    #expect(result.status == 0, "\(result.standardError)")
    let c2 = history.commits[2].hex
    let c4 = history.commits[4].hex
    #expect(
      result.standardOutput.contains(
        "kernel -> mm (read-write): between v1-2-g\(c2.prefix(12)) and v2, 2 commits: git bisect start \(c4) \(c2)"))
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/history.json"))) as? [String: Any])
    let points = try #require(json["points"] as? [[String: Any]])
    #expect(points.map { $0["crossComponentEdges"] as? Int } == [1, 1, 2])
    #expect(points.map { $0["position"] as? Int } == [0, 2, 4])
    #expect((points[2]["added"] as? [String]) == ["kernel -> mm"])
    let introductions = try #require(json["introductions"] as? [[String: Any]])
    #expect(introductions.count == 1)
    #expect(introductions[0]["commitsBetween"] as? Int == 2)
    let page = try ReportChecks.chromium("\(out)/index.html", screenshot: "\(history.directory.path)/shot.png")
    #expect(page.console == [])
    #expect(page.screenshotBytes > 10_000)
    #expect(try String(contentsOfFile: "\(out)/history.md", encoding: .utf8).contains("| kernel -> mm | read-write |"))
  }

  /// Read at the start, written at the end: placed as a new edge is.
  @Test func anEscalationIsPlacedBetweenTwoSnapshots() throws {
    let fsWritesNet = ("ext4_write", "fs/a.c", "sk_alloc", "net/s.c", UInt64(3), UInt64(1))
    /// `capdiff history v1..v2` over snapshots at commits 0, 2 and 4; the output and `short(n)`, commit n's describe hash.
    func review(_ at0: [EdgeRow], _ at2: [EdgeRow], _ at4: [EdgeRow]) throws -> (output: String, commit: (Int) -> String) {
      let history = try History()
      for (index, edges) in [(0, at0), (2, at2), (4, at4)] { try history.store(at: index, edges) }
      let result = try run(
        capdiff, ["history", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "v1..v2"])
      #expect(result.status == 0, "\(result.standardError)")
      return (result.standardOutput, { history.commits[$0].hex })
    }

    // Read at the start, gone in the middle, written at the end: the write came after the middle.
    let gone = try review([fsReadsNet], [kernelWritesMM], [fsWritesNet])
    #expect(
      gone.output.contains("fs -> net (read → read-write): between v1-2-g\(gone.commit(2).prefix(12)) and v2, 2 commits"),
      "\(gone.output)")

    let read = try review([fsReadsNet], [fsReadsNet], [fsWritesNet])
    let (c2, c4) = (read.commit(2), read.commit(4))
    #expect(
      read.output.contains(
        "fs -> net (read → read-write): between v1-2-g\(c2.prefix(12)) and v2, 2 commits: git bisect start \(c4) \(c2)"),
      "\(read.output)")

    // Absent at the start, read in the middle, written at the end: where it came in, and where the write did.
    let later = try review([kernelWritesMM], [kernelWritesMM, fsReadsNet], [kernelWritesMM, fsWritesNet])
    let (d0, d2, d4) = (later.commit(0), later.commit(2), later.commit(4))
    #expect(later.output.contains("fs -> net (read): between v1 and v1-2-g\(d2.prefix(12)), 2 commits: git bisect start \(d2) \(d0)"))
    #expect(
      later.output.contains(
        "fs -> net (read → read-write): between v1-2-g\(d2.prefix(12)) and v2, 2 commits: git bisect start \(d4) \(d2)"),
      "\(later.output)")
  }

  @Test func aFileMovedWithinTheRangeIsNoNewEdge() throws {
    // net/s.c moves to lib/s.c at commit 2: the allocating code is the same.
    let source = Array(String(repeating: "void *sk_alloc(void) { return kmalloc(64); }\n", count: 20).utf8)
    let history = try History { $0 < 2 ? ["net/s.c": source] : ["lib/s.c": source] }
    try history.store(at: 0, [fsReadsNet])
    try history.store(at: 4, [("ext4_write", "fs/a.c", "sk_alloc", "lib/s.c", 3, 0)])
    let result = try run(
      capdiff, ["history", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "v1..v2"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(!result.standardOutput.contains("New or escalated since"), "\(result.standardOutput)")
    // Neither snapshot gains or loses an edge on the way.
    #expect(!result.standardOutput.contains(", +") && !result.standardOutput.contains(", -"), "\(result.standardOutput)")
    // diff's graph reads the base under the head's names too: the edge is unchanged, not new and removed.
    let out = "\(history.directory.path)/diff"
    let diff = try run(
      capdiff, ["diff", "--repo", history.path, "--store", history.store, "--workload", "ltp", "--scheme", "dirs:1", "--out", out, "v1", "v2"])
    #expect(diff.status == 0, "\(diff.standardError)")
    let dot = try String(contentsOfFile: "\(out)/privilege-graph.dot", encoding: .utf8)
    #expect(!dot.contains("#d62728"), "\(dot)")
    #expect(!dot.contains("style=dashed"), "\(dot)")
  }

  @Test func aMissingSnapshotIsAnInputProblemNotAUsageError() throws {
    let history = try History()
    try history.store(at: 0, [fsReadsNet])
    let result = try run(capdiff, ["diff", "--repo", history.path, "--store", history.store, "--workload", "ltp", "v1", "v2"])
    #expect(result.status == 1)
    #expect(!result.standardError.contains("Usage"), "\(result.standardError)")
    #expect(result.standardError.contains("No snapshot of workload 'ltp' at v2"))
  }
}
