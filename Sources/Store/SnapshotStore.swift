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
