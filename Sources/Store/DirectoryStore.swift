#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import Git
public import Snapshot

/// Snapshots as files: `DIR/<commit>/<workload>.capmap`, with `DIR/.lock`
/// serialising writers (flock), and every write atomic (temporary file,
/// fsync, rename).
public final class DirectoryStore: SnapshotStore {
  public let name: String
  private let path: String

  public init(path: String) {
    self.path = path
    name = path
  }

  private func file(_ commit: String, _ workload: String) -> String { "\(path)/\(commit)/\(workload).capmap" }

  /// Both become parts of a path: only a full commit id and a workload name
  /// that cannot leave the store are taken (an archive being imported says
  /// what it likes).
  private func validate(_ commit: String, _ workload: String) throws {
    guard OID(hex: commit)?.hex == commit else {
      throw StoreError(store: name, "'\(commit)' is not a full commit id (40 lowercase hex digits)")
    }
    try Workload.validate(workload, store: name)
  }

  public func snapshot(commit: String, workload: String) throws -> Snapshot? {
    try validate(commit, workload)
    let file = file(commit, workload)
    guard FileManager.default.fileExists(atPath: file) else { return nil }
    return try SnapshotFile.read(file).checked(commit: commit, workload: workload, in: file)
  }

  public func contains(commit: String, workload: String) throws -> Bool {
    try validate(commit, workload)
    return access(file(commit, workload), F_OK) == 0
  }

  @discardableResult
  public func update(commit: String, workload: String, _ change: (Snapshot?) throws -> Snapshot) throws
    -> Snapshot
  {
    try validate(commit, workload)
    try AtomicFile.makeFolder("\(path)/\(commit)")
    return try withLock {
      let updated = try change(try snapshot(commit: commit, workload: workload))
      try SnapshotFile.write(updated, to: file(commit, workload))
      return updated
    }
  }

  public func list() throws -> [StoredSnapshot] {
    var result: [StoredSnapshot] = []
    for entry in try storedFiles() {
      let attributes = try FileManager.default.attributesOfItem(atPath: entry.file)
      // Listed as damaged when it cannot be read as this commit's: `store verify` says why.
      let snapshot = try? SnapshotFile.read(entry.file).checked(commit: entry.commit, workload: entry.workload, in: entry.file)
      result.append(
        StoredSnapshot(
          commit: entry.commit, describe: snapshot?.metadata.commit?.describe, workload: entry.workload,
          runs: snapshot?.runs.count ?? 0, size: (attributes[.size] as? Int) ?? 0,
          date: Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0), location: entry.file,
          damaged: snapshot == nil))
    }
    return result
  }

  public func remove(commit: String, workload: String) throws -> Bool {
    try validate(commit, workload)
    return try withLock {
      let file = file(commit, workload)
      guard FileManager.default.fileExists(atPath: file) else { return false }
      try FileManager.default.removeItem(atPath: file)
      try? FileManager.default.removeItem(atPath: "\(path)/\(commit)")  // only when empty
      return true
    }
  }

  public func entries() throws -> [SnapshotArchive.Entry] {
    try storedFiles().map { entry in
      SnapshotArchive.Entry(commit: entry.commit, workload: entry.workload, bytes: try AtomicFile.read(entry.file))
    }
  }

  private func storedFiles() throws -> [(commit: String, workload: String, file: String)] {
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    var result: [(String, String, String)] = []
    for commit in try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    where commit.utf8.count == 40 && commit.allSatisfy(\.isHexDigit) {
      for file in try FileManager.default.contentsOfDirectory(atPath: "\(path)/\(commit)").sorted()
      where file.hasSuffix(".capmap") && !file.hasPrefix(".") {
        result.append((commit, String(file.dropLast(7)), "\(path)/\(commit)/\(file)"))
      }
    }
    return result
  }

  private func withLock<T>(_ body: () throws -> T) throws -> T {
    try AtomicFile.makeFolder(path)
    return try FileLock.withLock("\(path)/.lock", store: name, body)
  }
}
