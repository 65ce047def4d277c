public import Snapshot

/// A snapshot as a store lists it.
public struct StoredSnapshot: Sendable, Equatable, Encodable {
  public var commit: String
  public var describe: String?
  public var workload: String
  public var runs: Int
  /// Bytes the snapshot takes in the store.
  public var size: Int
  /// When it was last written, seconds since the epoch.
  public var date: Int64
  /// Where it lives: a file path, or the note of a commit.
  public var location: String
  /// It cannot be read (`store verify` says why): describe nil, runs 0.
  public var damaged: Bool
}

/// Checks that a snapshot read for (commit, workload) is of them: a note
/// copied to another commit (`git notes copy`, or a rebase with
/// notes.rewriteRef), or a file put in another commit's folder, would
/// otherwise gate one kernel with another's privilege.
public func checkKey(_ snapshot: Snapshot, commit: String, workload: String, in place: String) throws {
  if let recorded = snapshot.metadata.commit?.oid, recorded != commit {
    throw StoreError(store: place, "holds the snapshot of commit \(recorded) under \(commit): it was copied or moved there; remove it (capdiff store rm) and record that commit")
  }
  guard snapshot.metadata.workload == workload else {
    throw StoreError(store: place, "holds a snapshot of workload '\(snapshot.metadata.workload)' under '\(workload)'")
  }
}

extension Snapshot {
  /// Itself, when it is of (commit, workload) (`checkKey`).
  func checked(commit: String, workload: String, in place: String) throws -> Snapshot {
    try checkKey(self, commit: commit, workload: workload, in: place)
    return self
  }
}

/// Where snapshots are kept, keyed by (full commit id, workload).
public protocol SnapshotStore: AnyObject {
  /// The store as the user named it, for messages.
  var name: String { get }

  /// The snapshot of (commit, workload), integrity-checked; nil when there is none.
  func snapshot(commit: String, workload: String) throws -> Snapshot?

  /// Whether the store has (commit, workload), without reading it.
  func contains(commit: String, workload: String) throws -> Bool

  /// Under the store's lock: reads the existing snapshot (if any), hands it
  /// to `change`, and writes what `change` returns, atomically.
  @discardableResult
  func update(commit: String, workload: String, _ change: (Snapshot?) throws -> Snapshot) throws -> Snapshot

  /// Everything stored, sorted by commit and workload.
  func list() throws -> [StoredSnapshot]

  /// Removes (commit, workload); false when it was not there.
  func remove(commit: String, workload: String) throws -> Bool

  /// The raw bytes of every stored snapshot, for export and verification.
  func entries() throws -> [SnapshotArchive.Entry]
}
