import CapdiffTestSupport
import Foundation
import Input
import Kmap
import Snapshot
import Store
import Testing

@testable import CapdiffCommands

@Suite struct StoreCopyTests {
  /// A snapshot of runs read from files with these digests, with symbols from `source`.
  func snapshot(digests: [String], source: String = "vmlinux") -> SnapshotArchive.Entry {
    let runs = digests.map { digest in
      var report = KmapFileReport(file: "\(digest).kmap", format: .current, compression: .none)
      report.digest = digest
      return RunRecord(inputs: [report])
    }
    let snapshot = Snapshot(
      metadata: SnapshotMetadata(workload: "w", toolVersion: "0.1.0", symbolSource: source, symbolFile: source, hasFileInformation: true),
      runs: runs, subjects: [], sites: [], edges: [])
    return SnapshotArchive.Entry(commit: String(repeating: "a", count: 40), workload: "w", bytes: SnapshotCodec.encode(snapshot))
  }

  /// Two entries of one commit and workload (git notes copied to a rewritten
  /// commit) merge with each other before anything is written; a refusal
  /// among them leaves the store empty.
  @Test func entriesOfOneSnapshotMergeFirstAndARefusalWritesNothing() throws {
    let directory = try TemporaryDirectory()
    let store = DirectoryStore(path: "\(directory.path)/store")
    try StoreCopy.copy([snapshot(digests: ["x:1"]), snapshot(digests: ["x:2"])], into: store)
    #expect(try store.snapshot(commit: String(repeating: "a", count: 40), workload: "w")?.runs.count == 2)
    let other = DirectoryStore(path: "\(directory.path)/other")
    #expect(throws: CommandFailure.self) {
      try StoreCopy.copy([snapshot(digests: ["x:1"]), snapshot(digests: ["x:2"], source: "System.map")], into: other)
    }
    #expect(try other.list().isEmpty)
  }
}
