public import Drift
public import Graph

/// Everything one set of reports shows: the findings document and what the
/// command knew beside it (commits, the component graphs, links).
public struct ReportInput: Sendable {
  public struct Commit: Sendable {
    public var oid: String
    public var describe: String
    public var subject: String
    /// ISO 8601, when the repository was at hand.
    public var date: String?

    public init(oid: String, describe: String, subject: String, date: String?) {
      self.oid = oid
      self.describe = describe
      self.subject = subject
      self.date = date
    }
  }

  public var document: FindingsDocument
  public var base: Commit?
  public var head: Commit?
  /// The component graph, base against head; empty for kR^X-only reports.
  public var graph: [GraphEdge]
  /// Head's subject components: each passes the drift suite unless a finding names it.
  public var subjectComponents: [String]
  /// `https://…/{path}?id={commit}#n{line}`: turns evidence into links.
  public var sourceURL: String?
  /// `YYYY-MM-DDTHH:MM:SS` (UTC), and the machine: JUnit asks for both.
  public var timestamp: String
  public var hostname: String

  public init(
    document: FindingsDocument, base: Commit?, head: Commit?, graph: [GraphEdge], subjectComponents: [String],
    sourceURL: String?, timestamp: String, hostname: String
  ) {
    self.document = document
    self.base = base
    self.head = head
    self.graph = graph
    self.subjectComponents = subjectComponents
    self.sourceURL = sourceURL
    self.timestamp = timestamp
    self.hostname = hostname
  }

  /// `v6.1 → v6.12`, or `base → head` without commits.
  public var title: String {
    "\(base?.describe ?? document.name(of: document.base, fallback: "base")) → \(head?.describe ?? document.name(of: document.head, fallback: "head"))"
  }

  /// The source link of a file and line of `finding`'s evidence, when
  /// `--source-url` was given: at base's commit for a removed access, whose
  /// evidence is base's, else at head's.
  func link(path: String?, line: Int?, of finding: Finding) -> String? {
    guard let sourceURL, let path else { return nil }
    let commit =
      finding.kind == FindingKind.removedAccess.rawValue
      ? base?.oid ?? document.base.commit ?? "" : head?.oid ?? document.head.commit ?? ""
    return sourceURL.replacingOccurrences(of: "{path}", with: URIPath.encode(path))
      .replacingOccurrences(of: "{commit}", with: commit)
      .replacingOccurrences(of: "{line}", with: line.map(String.init) ?? "")
  }
}

/// One edge of the component graph and how it changed from base to head.
public struct GraphEdge: Sendable, Equatable {
  public enum Change: String, Sendable { case unchanged, new, escalation, removed }
  public var subject: String
  public var owner: String
  public var access: Access
  public var change: Change
  public var sensitive: Bool

  /// Cross-component edges of both graphs, marked where `sensitive` holds them.
  public static func compare(base: PrivilegeGraph, head: PrivilegeGraph, sensitive: Set<ComponentEdge>) -> [GraphEdge] {
    let old = Dictionary(base.edges.filter(\.isCrossComponent).map { ($0.ends, $0) }, uniquingKeysWith: { a, _ in a })
    var edges: [GraphEdge] = []
    var seen = Set<ComponentEdge>()
    for edge in head.edges where edge.isCrossComponent {
      let key = edge.ends
      seen.insert(key)
      let change: Change
      if let before = old[key] {
        change = before.writes == 0 && edge.writes > 0 ? .escalation : .unchanged
      } else {
        change = .new
      }
      edges.append(
        GraphEdge(subject: edge.subject, owner: edge.owner, access: edge.access, change: change, sensitive: sensitive.contains(key)))
    }
    for edge in base.edges where edge.isCrossComponent && !seen.contains(edge.ends) {
      edges.append(
        GraphEdge(
          subject: edge.subject, owner: edge.owner, access: edge.access, change: .removed, sensitive: sensitive.contains(edge.ends)))
    }
    return edges
  }
}
