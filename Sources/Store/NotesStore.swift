import Foundation
public import Git
public import Snapshot

/// Snapshots as git notes of the kernel repository (`refs/notes/capdiff`),
/// so baselines travel with `git push` and `git fetch`. Each annotated
/// commit's note is a snapshot archive holding one snapshot per workload.
public final class NotesStore: SnapshotStore {
  public static let reference = "refs/notes/capdiff"
  public let name: String
  private let repository: Repository
  private let signature: Signature

  public init(repository: Repository, signature: Signature) {
    self.repository = repository
    self.signature = signature
    name = "\(repository.path) (\(Self.reference))"
  }

  private func archive(_ commit: String) throws -> SnapshotArchive? {
    guard let oid = OID(hex: commit), let bytes = try repository.note(Self.reference, for: oid) else { return nil }
    return try SnapshotArchive.decode(bytes, file: "\(name) note of \(commit)")
  }

  public func snapshot(commit: String, workload: String) throws -> Snapshot? {
    try Workload.validate(workload, store: name)
    guard let entry = try archive(commit)?.entries.first(where: { $0.workload == workload }) else { return nil }
    return try SnapshotCodec.decode(entry.bytes, file: "\(name) \(commit) \(workload)")
      .checked(commit: commit, workload: workload, in: "\(name) note of \(commit)")
  }

  public func contains(commit: String, workload: String) throws -> Bool {
    try archive(commit)?.entries.contains { $0.workload == workload } ?? false
  }

  @discardableResult
  public func update(commit: String, workload: String, _ change: (Snapshot?) throws -> Snapshot) throws
    -> Snapshot
  {
    try Workload.validate(workload, store: name)
    guard let oid = OID(hex: commit) else { throw StoreError(store: name, "'\(commit)' is not a full commit id") }
    return try withLock {
      var entries = try archive(commit)?.entries ?? []
      let existing = try entries.first { $0.workload == workload }.map {
        try SnapshotCodec.decode($0.bytes, file: "\(name) \(commit) \(workload)")
          .checked(commit: commit, workload: workload, in: "\(name) note of \(commit)")
      }
      let result = try change(existing)
      entries.removeAll { $0.workload == workload }
      entries.append(SnapshotArchive.Entry(commit: commit, workload: workload, bytes: SnapshotCodec.encode(result)))
      try repository.setNote(
        Self.reference, for: oid, bytes: SnapshotArchive(entries: entries).encode(),
        message: "capdiff: \(workload) at \(oid.abbreviated())", signature: signature)
      return result
    }
  }

  /// capdiff writers on one machine take turns on a lock file in the git
  /// directory; the reference itself moves by compare-and-swap as well.
  private func withLock<T>(_ body: () throws -> T) throws -> T {
    try FileLock.withLock("\(repository.gitDirectory)/capdiff-notes.lock", store: name, body)
  }

  public func list() throws -> [StoredSnapshot] {
    var result: [StoredSnapshot] = []
    for oid in try repository.notedCommits(Self.reference) {
      // A note that is no archive is listed as damaged, the others still listed.
      let archive: SnapshotArchive?
      do {
        archive = try self.archive(oid.hex)
      } catch {
        result.append(
          StoredSnapshot(
            commit: oid.hex, describe: nil, workload: "?", runs: 0, size: 0, date: 0,
            location: "note of \(oid.abbreviated()) in \(Self.reference)", damaged: true))
        continue
      }
      for entry in archive?.entries ?? [] {
        // Listed as damaged when it cannot be read as this commit's: `store verify` says why.
        let snapshot = try? SnapshotCodec.decode(entry.bytes, file: name)
          .checked(commit: oid.hex, workload: entry.workload, in: name)
        result.append(
          StoredSnapshot(
            commit: oid.hex, describe: snapshot?.metadata.commit?.describe, workload: entry.workload,
            runs: snapshot?.runs.count ?? 0, size: entry.bytes.count, date: 0,
            location: "note of \(oid.abbreviated()) in \(Self.reference)", damaged: snapshot == nil))
      }
    }
    return result.sorted { ($0.commit, $0.workload) < ($1.commit, $1.workload) }
  }

  public func remove(commit: String, workload: String) throws -> Bool {
    try withLock {
      guard let oid = OID(hex: commit), var entries = try archive(commit)?.entries,
        entries.contains(where: { $0.workload == workload })
      else { return false }
      entries.removeAll { $0.workload == workload }
      try repository.setNote(
        Self.reference, for: oid, bytes: entries.isEmpty ? nil : SnapshotArchive(entries: entries).encode(),
        message: "capdiff: remove \(workload) at \(oid.abbreviated())", signature: signature)
      return true
    }
  }

  public func entries() throws -> [SnapshotArchive.Entry] {
    try repository.notedCommits(Self.reference).flatMap { try archive($0.hex)?.entries ?? [] }
  }
}
