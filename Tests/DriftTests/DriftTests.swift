import Components
import Graph
import Kmap
import Snapshot
import Testing

@testable import Drift

/// Builds a snapshot from rows "function@file -> site@file[slab] rN wN runs".
struct Edges {
  var rows: [(function: String, file: String, site: String, siteFile: String, slab: String?, reads: UInt64, writes: UInt64, runs: Int)] = []

  mutating func add(_ function: String, _ file: String, _ site: String, _ siteFile: String, slab: String? = nil, reads: UInt64 = 1, writes: UInt64 = 0, runs: Int = 1) {
    rows.append((function, file, site, siteFile, slab, reads, writes, runs))
  }

  func snapshot(runs: Int = 1) -> Snapshot {
    let subjects = Array(Set(rows.map { Subject(function: $0.function, file: $0.file, module: nil) })).sorted()
    let sites = Array(Set(rows.map { ObjectSite(kind: .heap, name: $0.site, file: $0.siteFile, allocType: .kmemCache, slab: $0.slab) })).sorted()
    let edges = rows.map { row in
      Edge(
        subject: subjects.firstIndex(of: Subject(function: row.function, file: row.file, module: nil))!,
        site: sites.firstIndex(of: ObjectSite(kind: .heap, name: row.site, file: row.siteFile, allocType: .kmemCache, slab: row.slab))!,
        reads: row.reads, writes: row.writes, objects: 1, runs: row.runs, line: 7)
    }.sorted { ($0.subject, $0.site) < ($1.subject, $1.site) }
    let metadata = SnapshotMetadata(workload: "ltp", toolVersion: "0.1.0", symbolSource: "vmlinux", symbolFile: "vmlinux", hasFileInformation: true)
    return Snapshot(metadata: metadata, runs: Array(repeating: RunRecord(inputs: []), count: runs), subjects: subjects, sites: sites, edges: edges)
  }
}

func compare(
  _ base: Snapshot, _ head: Snapshot, rules: DriftRules = DriftRules(), renames: [String: String] = [:],
  map: ComponentMap = ComponentMap(scheme: .directories(depth: 2), maintainers: nil), today: String = "2026-06-01",
  granularity: Granularity = .component
) -> DriftReport {
  DriftAnalysis.compare(
    DriftInput(base: base, head: head, map: map, tree: nil, renames: renames, granularity: granularity, rules: rules, today: today))
}

func summary(_ report: DriftReport) -> [String] {
  report.findings.map {
    "\($0.kind) \($0.severity.rawValue) \($0.subject!) -> \($0.object!) \($0.access!.rawValue)\($0.coverage.map { " " + $0 } ?? "")\($0.suppressed ? " suppressed" : "")\($0.failsGate ? " FAIL" : "")"
  }
}

@Suite struct DriftTests {
  var base: Edges {
    var e = Edges()
    e.add("ext4_write", "fs/ext4/inode.c", "ext4_alloc_inode", "fs/ext4/super.c", reads: 5, writes: 5)
    e.add("ext4_write", "fs/ext4/inode.c", "sk_alloc", "net/core/sock.c", reads: 2)
    e.add("tcp_sendmsg", "net/ipv4/tcp.c", "sk_alloc", "net/core/sock.c", reads: 9, writes: 9)
    e.add("fuse_read", "fs/fuse/file.c", "sk_alloc", "net/core/sock.c", reads: 1)
    return e
  }

  @Test func newReadNewWriteEscalationRemovalAndNotExercised() {
    var head = Edges()
    head.add("ext4_write", "fs/ext4/inode.c", "ext4_alloc_inode", "fs/ext4/super.c", reads: 5, writes: 5)
    head.add("ext4_write", "fs/ext4/inode.c", "sk_alloc", "net/core/sock.c", reads: 2, writes: 1)  // escalation
    head.add("ext4_write", "fs/ext4/inode.c", "bio_alloc", "block/bio/bio.c", reads: 1)  // new read
    head.add("tcp_sendmsg", "net/ipv4/tcp.c", "ext4_alloc_inode", "fs/ext4/super.c", reads: 0, writes: 2)  // new write
    // tcp_sendmsg -> net/core: removed although tcp_sendmsg still runs; fuse_read no longer runs.
    let report = compare(base.snapshot(), head.snapshot())
    #expect(
      summary(report) == [
        "escalation high fs/ext4 -> net/core read-write FAIL",
        "new-access high net/ipv4 -> fs/ext4 write FAIL",
        "new-access medium fs/ext4 -> block/bio read FAIL",
        "removed-access info fs/fuse -> net/core read not-exercised",
        "removed-access info net/ipv4 -> net/core read-write",
      ])
    let removal = report.findings.first { $0.subject == "fs/fuse" }!
    #expect(removal.message == "fs/fuse → net/core was not exercised: the workload no longer reaches fuse_read")
    #expect(report.findings.first { $0.kind == "escalation" }!.evidence.first?.line == 7)
  }

  /// With head's symbols recorded, a function head's kernel lacks took its
  /// access away with it; one it still has was only not reached.
  @Test func aRemovedAccessWhoseCodeIsGoneSaysSo() {
    var head = base
    head.rows.removeAll { $0.function == "fuse_read" }
    func report(_ functions: Set<String>) -> DriftReport {
      DriftAnalysis.compare(
        DriftInput(
          base: base.snapshot(), head: head.snapshot(), map: ComponentMap(scheme: .directories(depth: 2), maintainers: nil),
          tree: nil, renames: [:], granularity: .component, rules: DriftRules(), today: "2026-06-01",
          headKernelFunctions: functions))
    }
    let gone = report(["ext4_write", "tcp_sendmsg"])
    #expect(summary(gone) == ["removed-access info fs/fuse -> net/core read code-removed"])
    #expect(gone.findings.first?.message == "fs/fuse → net/core went away with its code: head's kernel has no fuse_read")
    #expect(summary(report(["ext4_write", "tcp_sendmsg", "fuse_read"])) == ["removed-access info fs/fuse -> net/core read not-exercised"])
  }

  @Test func newCodeInTheTraceIsMarked() {
    var head = base
    head.add("io_uring_submit", "io_uring/io_uring.c", "sk_alloc", "net/core/sock.c", reads: 1)
    #expect(summary(compare(base.snapshot(), head.snapshot())) == ["new-access medium io_uring -> net/core read newly-exercised FAIL"])
  }

  @Test func growthPastAndUnderTheThreshold() {
    var head = base
    head.add("tcp_push", "net/ipv4/tcp_output.c", "sk_alloc", "net/core/sock.c")
    #expect(summary(compare(base.snapshot(), head.snapshot())).isEmpty)  // 1 -> 2 functions: under the minimum of 2 more
    head.add("tcp_ack", "net/ipv4/tcp_input.c", "sk_alloc", "net/core/sock.c")
    #expect(summary(compare(base.snapshot(), head.snapshot())) == ["growth low net/ipv4 -> net/core read-write"])
  }

  @Test func fileAndFunctionGranularity() {
    // A second ext4 function reaches net/core: no news between components,
    // a new file pair and a new function pair; same-component pairs never count.
    var head = base
    head.add("ext4_sync_file", "fs/ext4/fsync.c", "sk_alloc", "net/core/sock.c", reads: 3)
    head.add("ext4_sync_file", "fs/ext4/fsync.c", "ext4_alloc_inode", "fs/ext4/super.c", writes: 1)
    #expect(summary(compare(base.snapshot(), head.snapshot())).isEmpty)
    let files = compare(base.snapshot(), head.snapshot(), granularity: .file)
    #expect(summary(files) == ["new-access medium fs/ext4/fsync.c -> net/core/sock.c read newly-exercised FAIL"])
    let functions = compare(base.snapshot(), head.snapshot(), granularity: .function)
    #expect(summary(functions) == ["new-access medium ext4_sync_file -> sk_alloc [KMEM_CACHE] read newly-exercised FAIL"])
    #expect(functions.findings[0].evidence.map { "\($0.function) \($0.site) r\($0.reads)" } == ["ext4_sync_file sk_alloc r3"])
    #expect(files.findings[0].id != functions.findings[0].id)

    // At function granularity, a known function's new site is new; its code is not.
    head.add("ext4_write", "fs/ext4/inode.c", "tcp_sk_alloc", "net/core/sock.c", reads: 1)
    #expect(
      summary(compare(base.snapshot(), head.snapshot(), granularity: .function)) == [
        "new-access medium ext4_sync_file -> sk_alloc [KMEM_CACHE] read newly-exercised FAIL",
        "new-access medium ext4_write -> tcp_sk_alloc [KMEM_CACHE] read FAIL",
      ])
    #expect(summary(compare(base.snapshot(), head.snapshot(), granularity: .file)).count == 1)
  }

  @Test func sensitiveSitesRaiseSeverity() {
    var head = base
    head.add("ext4_write", "fs/ext4/inode.c", "prepare_creds", "kernel/cred/cred.c", slab: "cred_jar", reads: 1)
    let report = compare(base.snapshot(), head.snapshot())
    #expect(summary(report) == ["new-access high fs/ext4 -> kernel/cred read FAIL"])
    #expect(report.findings[0].message.hasSuffix("(sensitive object site)"))
    #expect(report.sensitiveEdges == [ComponentEdge(subject: "fs/ext4", owner: "kernel/cred")])
    #expect(report.components.isSuperset(of: ["fs/ext4", "kernel/cred"]))
    var rules = DriftRules()
    rules.never = [
      AccessRule(subject: Glob("fs/*"), object: Glob("kernel/cred"), access: nil, line: 3),
      AccessRule(subject: Glob("*"), object: Glob("CREDENTIALS"), access: .write, line: 4),
    ]
    #expect(
      rules.rulesMatchingNoComponent(report.components) == [
        "the never rule of policy line 4 applies to nothing: its object 'CREDENTIALS' matches no component of base or head"
      ])
    // On both sides, the edge raises no finding and is sensitive all the same.
    let unchanged = compare(head.snapshot(), head.snapshot())
    #expect(unchanged.findings.isEmpty)
    #expect(unchanged.sensitiveEdges == [ComponentEdge(subject: "fs/ext4", owner: "kernel/cred")])
  }

  @Test func suppressionsUsedExpiredAndUnused() {
    var head = base
    head.add("ext4_write", "fs/ext4/inode.c", "bio_alloc", "block/bio/bio.c", reads: 0, writes: 1)
    var rules = DriftRules()
    let rule = AccessRule(subject: Glob("fs/*"), object: Glob("block/*"), access: nil, line: 3)
    rules.suppressions = [
      Suppression(rule: rule, kind: nil, reason: "expired one", owner: "a", expires: "2026-01-01"),
      Suppression(rule: rule, kind: nil, reason: "known bio reuse", owner: "b", expires: "2027-01-01"),
      Suppression(rule: AccessRule(subject: Glob("mm"), object: Glob("*"), access: nil, line: 9), kind: nil, reason: "nothing", owner: nil, expires: nil),
    ]
    let report = compare(base.snapshot(), head.snapshot(), rules: rules)
    #expect(summary(report) == ["new-access high fs/ext4 -> block/bio write suppressed"])
    #expect(report.findings[0].suppression == AppliedSuppression(reason: "known bio reuse", owner: "b", expires: "2027-01-01"))
    #expect(report.suppressions.map(\.status) == [.expired, .used, .unused])
    #expect(!report.gateFails)
  }

  @Test func defaultDenyAllowAndNever() {
    var rules = DriftRules()
    rules.defaultDeny = true
    rules.allow = [AccessRule(subject: Glob("net/*"), object: Glob("net/*"), access: nil, line: 1)]
    rules.never = [AccessRule(subject: Glob("fs/ext4"), object: Glob("net/*"), access: .write, line: 2)]
    var head = base
    head.add("ext4_sync", "fs/ext4/fsync.c", "sk_alloc", "net/core/sock.c", writes: 1)
    // With no baseline at all: the same snapshot as base and head.
    let report = compare(head.snapshot(), head.snapshot(), rules: rules)
    #expect(
      summary(report) == [
        "forbidden-access high fs/ext4 -> net/core read-write FAIL",
        "new-access medium fs/fuse -> net/core read FAIL",
      ])
    #expect(
      report.findings[0].message
        == "fs/ext4 reads and writes objects owned by net/core, which a never rule (policy line 2) forbids; base had this access too")
  }

  @Test func aNeverRuleIsNotSuppressedAndNamesANewAccessAsNew() {
    var rules = DriftRules()
    rules.never = [AccessRule(subject: Glob("fs/ext4"), object: Glob("net/*"), access: .write, line: 2)]
    rules.suppressions = [
      Suppression(
        rule: AccessRule(subject: Glob("fs/*"), object: Glob("net/*"), access: nil, line: 5), kind: nil, reason: "accepted",
        owner: nil, expires: nil)
    ]
    var head = base
    head.add("ext4_sync", "fs/ext4/fsync.c", "sk_alloc", "net/core/sock.c", writes: 1)
    let report = compare(base.snapshot(), head.snapshot(), rules: rules)
    // The never finding stays unsuppressed and fails; the suppression was not used by it.
    #expect(summary(report) == ["forbidden-access high fs/ext4 -> net/core read-write FAIL"])
    #expect(report.findings[0].suppression == nil)
    #expect(report.findings[0].message == "fs/ext4 reads and writes objects owned by net/core, which a never rule (policy line 2) forbids")
    #expect(report.suppressions.map(\.status) == [.unused])
    #expect(report.findings[0].subjectComponent == "fs/ext4")
    #expect(report.findings[0].objectComponent == "net/core")
  }

  @Test func aRenamedFileIsNotDrift() {
    var head = Edges()
    head.add("ext4_write", "fs/ext4/inode.c", "ext4_alloc_inode", "fs/ext4/super.c", reads: 5, writes: 5)
    head.add("ext4_write", "fs/ext4/inode.c", "sk_alloc", "net/sock/sock.c", reads: 2)
    head.add("tcp_sendmsg", "net/ipv4/tcp.c", "sk_alloc", "net/sock/sock.c", reads: 9, writes: 9)
    head.add("fuse_read", "fs/fuse/file.c", "sk_alloc", "net/sock/sock.c", reads: 1)
    #expect(summary(compare(base.snapshot(), head.snapshot(), renames: ["net/core/sock.c": "net/sock/sock.c"])).isEmpty)
    #expect(!summary(compare(base.snapshot(), head.snapshot())).isEmpty)
    // A removed access's evidence is base's: it names the files as base had them.
    var without = Edges()
    without.add("tcp_sendmsg", "net/ipv4/tcp.c", "sk_alloc", "net/sock/sock.c", reads: 9, writes: 9)
    let removed = compare(base.snapshot(), without.snapshot(), renames: ["net/core/sock.c": "net/sock/sock.c"]).findings
      .first { $0.kind == "removed-access" && $0.object == "net/sock" }
    #expect(removed?.evidence.map(\.siteFile) == ["net/core/sock.c"])
  }

  @Test func aMaintainersReorganisationIsNotDrift() {
    // One scheme (the head's MAINTAINERS) attributes both sides.
    let headMaintainers = Maintainers(
      text: "NETWORKING CORE\nF:\tnet/\n\nEXT4\nF:\tfs/ext4/\n\nFUSE\nF:\tfs/fuse/\n", file: "M", isDirectory: { _ in false })
    let map = ComponentMap(scheme: .maintainers, maintainers: headMaintainers)
    #expect(summary(compare(base.snapshot(), base.snapshot(), map: map)).isEmpty)
    let oldMaintainers = Maintainers(
      text: "NETWORKING [GENERAL]\nF:\tnet/\n\nEXT4\nF:\tfs/ext4/\n\nFUSE\nF:\tfs/fuse/\n\nTCP\nF:\tnet/ipv4/tcp.c\n", file: "M",
      isDirectory: { _ in false })
    #expect(
      headMaintainers.changes(since: oldMaintainers, paths: ["net/ipv4/tcp.c"]) == [
        "subsystem renamed: 'NETWORKING [GENERAL]' -> 'NETWORKING CORE'", "subsystem removed: 'TCP'",
        "file moved: net/ipv4/tcp.c from 'TCP' to 'NETWORKING CORE'",
      ])
  }

  @Test func noiseAcrossRuns() {
    var baseRuns = base
    baseRuns.rows[1].runs = 1  // ext4 -> net/core seen in 1 of 3 base runs
    var head = base
    head.add("ext4_write", "fs/ext4/inode.c", "bio_alloc", "block/bio/bio.c", reads: 1, runs: 1)
    head.add("tcp_sendmsg", "net/ipv4/tcp.c", "bio_alloc", "block/bio/bio.c", reads: 1, runs: 3)
    var rules = DriftRules()
    rules.minRuns = 2
    let report = compare(baseRuns.snapshot(runs: 3), head.snapshot(runs: 3), rules: rules)
    #expect(summary(report) == ["new-access medium net/ipv4 -> block/bio read FAIL"])
    #expect(report.findings[0].runs == Finding.Runs(seen: 3, of: 3))
    #expect(report.baseDisagreement.unstable == 3)
    #expect(report.baseDisagreement.of == 3)
  }

  @Test func idsAreStableFingerprints() {
    var head = base
    head.add("ext4_write", "fs/ext4/inode.c", "bio_alloc", "block/bio/bio.c", reads: 1)
    let first = compare(base.snapshot(), head.snapshot()).findings.map(\.id)
    head.add("unrelated", "mm/slub.c", "kmalloc", "mm/slab_common.c", reads: 1)
    let second = compare(base.snapshot(), head.snapshot()).findings.filter { $0.subject == "fs/ext4" }.map(\.id)
    #expect(first == second)
    #expect(first == [fingerprint(["new-access", "fs/ext4", "block/bio", "read", "component"])])
  }
}
