public import Components
import Input
public import Snapshot

/// The component privilege graph of a snapshot: an edge X→Y carries what
/// code in component X did to objects owned by component Y.
public struct PrivilegeGraph: Sendable {
  public struct Edge: Sendable, Equatable, Encodable {
    public var subject: String
    public var owner: String
    public var reads: UInt64
    public var writes: UInt64
    /// Distinct subject functions and object sites behind the edge.
    public var functions: Int
    public var sites: Int

    public var isCrossComponent: Bool { PseudoComponent.crosses(subject: subject, owner: owner) }
    public var access: Access { Access(reads: reads, writes: writes) }
    public var ends: ComponentEdge { ComponentEdge(subject: subject, owner: owner) }
  }

  public let edges: [Edge]

  /// Attributes every subject and object site of `snapshot` with `map`;
  /// `tree` turns build paths into tree paths when given.
  public init(_ snapshot: Snapshot, map: ComponentMap, tree: TreePaths?) {
    let attribution = SnapshotAttribution(snapshot, map: map, tree: tree)
    var totals: [ComponentEdge: (reads: UInt64, writes: UInt64, functions: Set<Int>, sites: Set<Int>)] = [:]
    for edge in snapshot.edges {
      let key = ComponentEdge(subject: attribution.subjects[edge.subject], owner: attribution.owners[edge.site])
      var value = totals[key] ?? (0, 0, [], [])
      value.reads = value.reads.saturatingAdd(edge.reads)
      value.writes = value.writes.saturatingAdd(edge.writes)
      value.functions.insert(edge.subject)
      value.sites.insert(edge.site)
      totals[key] = value
    }
    edges = totals.map { key, value in
      Edge(
        subject: key.subject, owner: key.owner, reads: value.reads, writes: value.writes,
        functions: value.functions.count, sites: value.sites.count)
    }.sorted { a, b in
      // Cross-component edges first, then the busiest.
      if a.isCrossComponent != b.isCrossComponent { return a.isCrossComponent }
      let (totalA, totalB) = (a.reads.saturatingAdd(a.writes), b.reads.saturatingAdd(b.writes))
      if totalA != totalB { return totalA > totalB }
      return (a.subject, a.owner) < (b.subject, b.owner)
    }
  }
}

/// The component of each subject and the owner of each object site of a snapshot.
public struct SnapshotAttribution: Sendable {
  /// By subject index.
  public let subjects: [String]
  /// By object-site index.
  public let owners: [String]

  public init(_ snapshot: Snapshot, map: ComponentMap, tree: TreePaths?) {
    func component(file: String?, function: String) -> String {
      guard let file else { return map.component(ofFunction: function) }
      let path = tree?.canonical(file) ?? file
      return map.attribute(path: path, function: function).component
    }
    subjects = snapshot.subjects.map { component(file: $0.file, function: $0.function) }
    owners = snapshot.sites.map { site in
      switch site.kind {
      case .pseudo:
        switch site.name {
        case PseudoSite.stack: return PseudoComponent.stack
        case PseudoSite.preallocated: return PseudoComponent.preallocated
        default: return PseudoComponent.untracked
        }
      case .heap where map.sharedAllocators.contains(site.name):
        return PseudoComponent.sharedAllocator
      case .heap, .global:
        return component(file: site.file, function: site.name)
      }
    }
  }
}
