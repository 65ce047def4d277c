public import Git

/// Where a head's baseline was found.
public struct Baseline: Sendable, Equatable {
  public enum Route: Sendable, Equatable {
    /// The merge-base with the upstream reference has a snapshot.
    case mergeBase
    /// The nearest first-parent ancestor (of the head, or of the merge-base) with one.
    case ancestor
    /// The head is already in the upstream, so it is its own merge-base: the
    /// nearest first-parent ancestor of the head, the head aside, with one.
    case headInUpstream
  }

  public var commit: OID
  /// First-parent steps from the head (or from the merge-base) to the baseline.
  public var distance: Int
  public var route: Route
  /// The merge-base, when an upstream was given.
  public var mergeBase: OID?
}

/// Finds the snapshot a head is compared with (DESIGN §2, "Baseline").
public enum BaselineFinder {
  /// The snapshot of `workload` at the merge-base of `head` and `upstream`
  /// when given, else (or when the merge-base has none) at the nearest
  /// first-parent ancestor that has one; nil when no ancestor has one.
  /// `includingHead` lets the head itself count (a head compared with its
  /// own snapshot is never what a gate wants, so it defaults to false), also
  /// when the head is its own merge-base.
  public static func find(
    head: OID, workload: String, upstream: OID?, in repository: Repository, store: SnapshotStore,
    includingHead: Bool = false
  ) throws -> Baseline? {
    var start = head
    var mergeBase: OID?
    var route = Baseline.Route.ancestor
    if let upstream {
      guard let base = try repository.mergeBase(head, upstream) else {
        throw StoreError(
          store: store.name, "\(head.abbreviated()) and \(upstream.abbreviated()) share no history: no merge-base")
      }
      mergeBase = base
      if base == head, !includingHead {
        // The walk below passes over the head, so it starts at its first parent.
        route = .headInUpstream
      } else if try store.contains(commit: base.hex, workload: workload) {
        return Baseline(commit: base, distance: 0, route: .mergeBase, mergeBase: base)
      }
      start = base
    }
    var found: Baseline?
    try repository.walkFirstParents(from: start) { commit, distance in
      if distance == 0, commit == head, !includingHead { return true }
      if try store.contains(commit: commit.hex, workload: workload) {
        found = Baseline(commit: commit, distance: distance, route: route, mergeBase: mergeBase)
        return false
      }
      return true
    }
    return found
  }
}
