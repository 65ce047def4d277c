import CapdiffTestSupport
import Foundation
import Git
import Kmap
import Snapshot
import Testing

@testable import Store

func sampleSnapshot(commit: String, workload: String = "ltp", digest: String, reads: UInt64 = 1) -> Snapshot {
  var input = KmapFileReport(file: "run.kmap", format: .current, compression: .none)
  input.digest = digest
  return Snapshot(
    metadata: SnapshotMetadata(
      workload: workload, toolVersion: "0.1.0", symbolSource: "System.map", symbolFile: "System.map",
      hasFileInformation: false,
      commit: CommitMetadata(oid: commit, describe: "v1", kernelVersion: "6.1.0", subject: "s")),
    runs: [RunRecord(inputs: [input])],
    subjects: [Subject(function: "tcp_sendmsg", file: nil, module: nil)],
    sites: [ObjectSite(kind: .heap, name: "sk_alloc", file: nil, allocType: .kmemCache, slab: "TCP")],
    edges: [Edge(subject: 0, site: 0, reads: reads, writes: 0, objects: 1, runs: 1, line: nil)])
}

/// A linear history of `count` commits, plus a side branch off commit 2.
struct LinearHistory {
  let directory: TemporaryDirectory
  let repository: Repository
  let commits: [OID]
  let side: OID

  init(count: Int = 6) throws {
    directory = try TemporaryDirectory()
    repository = try Repository.create(at: "\(directory.path)/linux")
    var commits: [OID] = []
    for index in 0..<count {
      let files = ["Makefile": Array("VERSION = 6\nPATCHLEVEL = \(index)\nSUBLEVEL = 0\nEXTRAVERSION = -rc1\n".utf8)]
      commits.append(
        try repository.commit(
          files: files, message: "Commit \(index)", parents: commits.last.map { [$0] } ?? [],
          signature: Signature(name: "D", email: "d@example.org", time: 1_700_000_000 + Int64(index))))
    }
    self.commits = commits
    side = try repository.commit(
      files: ["Makefile": Array("VERSION = 6\n".utf8), "side.c": []], message: "Side", parents: [commits[2]],
      signature: Signature(name: "D", email: "d@example.org", time: 1_800_000_000), updating: "refs/heads/side")
  }
}

@Suite struct DirectoryStoreTests {
  @Test func updatesMergeRunsAndListsThem() throws {
    let directory = try TemporaryDirectory()
    let store = DirectoryStore(path: "\(directory.path)/baselines")
    let commit = String(repeating: "a", count: 40)
    try store.update(commit: commit, workload: "ltp") { existing in
      #expect(existing == nil)
      return sampleSnapshot(commit: commit, digest: "xxh128:1")
    }
    let merged = try store.update(commit: commit, workload: "ltp") { existing in
      try #require(existing).adding(runsOf: sampleSnapshot(commit: commit, digest: "xxh128:2", reads: 4))
    }
    #expect(merged.runs.count == 2)
    #expect(merged.edges == [Edge(subject: 0, site: 0, reads: 5, writes: 0, objects: 2, runs: 2, line: nil)])
    #expect(try store.snapshot(commit: commit, workload: "ltp") == merged)
    let listed = try store.list()
    #expect(listed.map(\.workload) == ["ltp"])
    #expect(listed.first?.runs == 2)
    #expect(listed.first?.describe == "v1")
    #expect(try store.contains(commit: commit, workload: "ltp"))
    #expect(try !store.contains(commit: commit, workload: "boot"))
    #expect(try store.remove(commit: commit, workload: "ltp"))
    #expect(try store.list().isEmpty)
  }

  /// A store holding one snapshot of `commit`'s ltp, and that snapshot's file.
  func storeHolding(_ commit: String) throws -> (directory: TemporaryDirectory, store: DirectoryStore, file: String) {
    let directory = try TemporaryDirectory()
    let store = DirectoryStore(path: "\(directory.path)/baselines")
    try store.update(commit: commit, workload: "ltp") { _ in sampleSnapshot(commit: commit, digest: "xxh128:1") }
    return (directory, store, "\(directory.path)/baselines/\(commit)/ltp.capmap")
  }

  @Test func damagedSnapshotIsNamedNeverHalfRead() throws {
    let commit = String(repeating: "b", count: 40)
    let (directory, store, file) = try storeHolding(commit)
    var bytes = try AtomicFile.read(file)
    bytes[bytes.count - 2] ^= 0xFF
    try directory.write("baselines/\(commit)/ltp.capmap", bytes)
    #expect(throws: SnapshotError(.damaged, file: file, "snapshot is damaged: its checksum does not match its contents")) {
      _ = try store.snapshot(commit: commit, workload: "ltp")
    }
  }

  /// A snapshot moved or copied under another commit is refused on every
  /// read: it would gate one kernel with another's privilege.
  @Test func aSnapshotUnderAnotherCommitIsRefused() throws {
    let directory = try TemporaryDirectory()
    let store = DirectoryStore(path: "\(directory.path)/baselines")
    let (right, wrong) = (String(repeating: "d", count: 40), String(repeating: "e", count: 40))
    try store.update(commit: right, workload: "ltp") { _ in sampleSnapshot(commit: right, digest: "xxh128:1") }
    try FileManager.default.createDirectory(atPath: "\(directory.path)/baselines/\(wrong)", withIntermediateDirectories: false)
    try FileManager.default.copyItem(
      atPath: "\(directory.path)/baselines/\(right)/ltp.capmap", toPath: "\(directory.path)/baselines/\(wrong)/ltp.capmap")
    let file = "\(directory.path)/baselines/\(wrong)/ltp.capmap"
    #expect(
      throws: StoreError(
        store: file,
        "holds the snapshot of commit \(right) under \(wrong): it was copied or moved there; remove it (capdiff store rm) and record that commit")
    ) { _ = try store.snapshot(commit: wrong, workload: "ltp") }
    #expect(throws: StoreError.self) { try store.update(commit: wrong, workload: "ltp") { $0! } }
    // Under another workload's name, likewise.
    try FileManager.default.copyItem(
      atPath: "\(directory.path)/baselines/\(right)/ltp.capmap", toPath: "\(directory.path)/baselines/\(right)/boot.capmap")
    #expect(throws: StoreError.self) { _ = try store.snapshot(commit: right, workload: "boot") }
  }

  /// A file grown past the length its header declares is refused unread.
  @Test func aSnapshotLongerThanItsHeaderSaysIsRefusedUnread() throws {
    let commit = String(repeating: "f", count: 40)
    let held = try storeHolding(commit)
    let (store, file) = (held.store, held.file)
    #expect(truncate(file, 1 << 34) == 0)  // 16 GiB, sparse
    #expect(throws: SnapshotError(.damaged, file: file, "snapshot is truncated or has trailing bytes (length mismatch)")) {
      _ = try store.snapshot(commit: commit, workload: "ltp")
    }
  }

  @Test(arguments: ["", "../etc", "a/b", "x\u{0}y", ".hidden"])
  func workloadNamesThatCouldEscapeAreRefused(_ name: String) throws {
    let directory = try TemporaryDirectory()
    let store = DirectoryStore(path: directory.path)
    #expect(throws: StoreError.self) { _ = try store.snapshot(commit: String(repeating: "c", count: 40), workload: name) }
  }

  /// An imported archive names its own commits: they must not lead out of the store.
  @Test(arguments: ["../../x", "/tmp/abs", "", "C" + String(repeating: "c", count: 39), String(repeating: "c", count: 39)])
  func commitsThatAreNoFullIdAreRefused(_ commit: String) throws {
    let directory = try TemporaryDirectory()
    let store = DirectoryStore(path: "\(directory.path)/store")
    #expect(throws: StoreError.self) {
      try store.update(commit: commit, workload: "ltp") { _ in sampleSnapshot(commit: commit, digest: "xxh128:1") }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }
}

@Suite struct NotesStoreTests {
  @Test func snapshotsTravelAsNotesOfTheirCommits() throws {
    let history = try LinearHistory()
    let store = NotesStore(
      repository: history.repository, signature: Signature(name: "capdiff", email: "c@localhost", time: 1))
    let commit = history.commits[1].hex
    try store.update(commit: commit, workload: "ltp") { _ in sampleSnapshot(commit: commit, digest: "xxh128:1") }
    try store.update(commit: commit, workload: "boot") { _ in sampleSnapshot(commit: commit, workload: "boot", digest: "xxh128:9") }
    try store.update(commit: commit, workload: "ltp") { try #require($0).adding(runsOf: sampleSnapshot(commit: commit, digest: "xxh128:2")) }
    #expect(try store.list().map { "\($0.workload) \($0.runs)" } == ["boot 1", "ltp 2"])
    #expect(try store.snapshot(commit: commit, workload: "ltp")?.runs.count == 2)
    #expect(try history.repository.notedCommits(NotesStore.reference) == [history.commits[1]])
    #expect(try store.remove(commit: commit, workload: "boot"))
    #expect(try store.list().map(\.workload) == ["ltp"])
    // A note copied to another commit (git notes copy, a rebase with notes.rewriteRef).
    let other = history.commits[2]
    let note = try #require(try history.repository.note(NotesStore.reference, for: history.commits[1]))
    try history.repository.setNote(
      NotesStore.reference, for: other, bytes: note, message: "copy", signature: Signature(name: "capdiff", email: "c@localhost", time: 2))
    #expect(throws: StoreError.self) { _ = try store.snapshot(commit: other.hex, workload: "ltp") }
    // A note that is no archive at all is listed as damaged beside the others.
    try history.repository.setNote(
      NotesStore.reference, for: history.commits[3], bytes: Array("junk".utf8), message: "junk",
      signature: Signature(name: "capdiff", email: "c@localhost", time: 3))
    #expect(try store.list().map { "\($0.commit.prefix(7)) \($0.workload) \($0.damaged)" }.sorted() == [
      "\(history.commits[1].hex.prefix(7)) ltp false", "\(other.hex.prefix(7)) ltp true", "\(history.commits[3].hex.prefix(7)) ? true",
    ].sorted())
  }
}

@Suite struct BaselineTests {
  func store(_ history: LinearHistory, snapshotsAt indexes: [Int]) throws -> DirectoryStore {
    let store = DirectoryStore(path: "\(history.directory.path)/baselines-\(indexes.map(String.init).joined(separator: "-"))")
    for index in indexes {
      let commit = history.commits[index].hex
      try store.update(commit: commit, workload: "ltp") { _ in sampleSnapshot(commit: commit, digest: "xxh128:\(index)") }
    }
    return store
  }

  @Test func nearestFirstParentAncestorAndItsDistance() throws {
    let history = try LinearHistory()
    let store = try store(history, snapshotsAt: [1, 3])
    let baseline = try BaselineFinder.find(
      head: history.commits[5], workload: "ltp", upstream: nil, in: history.repository, store: store)
    #expect(baseline == Baseline(commit: history.commits[3], distance: 2, route: .ancestor, mergeBase: nil))
    // The head's own snapshot is not its baseline.
    let own = try BaselineFinder.find(
      head: history.commits[3], workload: "ltp", upstream: nil, in: history.repository, store: store)
    #expect(own?.commit == history.commits[1])
    #expect(try BaselineFinder.find(head: history.commits[0], workload: "ltp", upstream: nil, in: history.repository, store: store) == nil)
    #expect(try BaselineFinder.find(head: history.commits[5], workload: "boot", upstream: nil, in: history.repository, store: store) == nil)
  }

  @Test func mergeBaseWithTheUpstream() throws {
    let history = try LinearHistory()
    let withBase = try store(history, snapshotsAt: [2, 4])
    #expect(
      try BaselineFinder.find(head: history.side, workload: "ltp", upstream: history.commits[5], in: history.repository, store: withBase)
        == Baseline(commit: history.commits[2], distance: 0, route: .mergeBase, mergeBase: history.commits[2]))
    let below = try store(history, snapshotsAt: [0])
    #expect(
      try BaselineFinder.find(head: history.side, workload: "ltp", upstream: history.commits[5], in: history.repository, store: below)
        == Baseline(commit: history.commits[0], distance: 2, route: .ancestor, mergeBase: history.commits[2]))
  }

  @Test func headAlreadyInTheUpstreamIsNotItsOwnBaseline() throws {
    let history = try LinearHistory()
    let store = try store(history, snapshotsAt: [2, 4])
    // commits[4] is its own merge-base with commits[5], and has a snapshot.
    #expect(
      try BaselineFinder.find(head: history.commits[4], workload: "ltp", upstream: history.commits[5], in: history.repository, store: store)
        == Baseline(commit: history.commits[2], distance: 2, route: .headInUpstream, mergeBase: history.commits[4]))
    #expect(
      try BaselineFinder.find(
        head: history.commits[4], workload: "ltp", upstream: history.commits[5], in: history.repository, store: store, includingHead: true)
        == Baseline(commit: history.commits[4], distance: 0, route: .mergeBase, mergeBase: history.commits[4]))
    #expect(
      try BaselineFinder.find(head: history.commits[5], workload: "ltp", upstream: history.commits[5], in: history.repository, store: store)
        == Baseline(commit: history.commits[4], distance: 1, route: .headInUpstream, mergeBase: history.commits[5]))
  }

  @Test func kernelVersionFromTheMakefile() {
    #expect(KernelVersion.parse(makefile: "# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 170\nEXTRAVERSION =\nNAME = Curry Ramen\n") == "6.1.170")
    #expect(KernelVersion.parse(makefile: "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION = -rc3\n") == "6.12.0-rc3")
    #expect(KernelVersion.parse(makefile: "all:\n\techo\n") == nil)
  }
}

@Suite struct ArchiveTests {
  @Test func roundTripsAndRefusesDamage() throws {
    let archive = SnapshotArchive(entries: [
      .init(commit: String(repeating: "d", count: 40), workload: "ltp", bytes: [1, 2, 3]),
      .init(commit: String(repeating: "a", count: 40), workload: "boot", bytes: []),
    ])
    let bytes = archive.encode()
    let decoded = try SnapshotArchive.decode(bytes, file: "a")
    #expect(decoded.entries.map(\.workload) == ["boot", "ltp"])
    var damaged = bytes
    damaged[damaged.count - 1] ^= 1
    #expect(throws: SnapshotError(.damaged, file: "a", "snapshot archive is damaged: its checksum does not match its contents")) {
      _ = try SnapshotArchive.decode(damaged, file: "a")
    }
  }
}
