import Input

/// The figures `capdiff show` prints: totals, the busiest subjects and
/// sites, pseudo-sites, and how much could not be resolved.
public struct SnapshotSummary: Sendable, Encodable, Equatable {
  public struct Input: Sendable, Encodable, Equatable {
    public var run: Int
    public var file: String
    public var format: String
    public var compression: String
    /// `xxh128:…` of the content, as the store tells runs apart by it.
    public var digest: String?
    public var lines: Int
    public var objects: Int
    public var accesses: Int
    public var skippedLines: Int
    public var cutLine: Int?
    public var problems: [String]
  }

  public struct Totals: Sendable, Encodable, Equatable {
    public var subjects: Int
    public var sites: Int
    public var edges: Int
    public var reads: UInt64
    public var writes: UInt64
    /// Each edge's distinct objects, summed over edges: an object two
    /// functions touched counts twice (the kmaps' own object count is in `inputs`).
    public var objects: UInt64
  }

  public struct Unresolved: Sendable, Encodable, Equatable {
    /// Subjects named `unknown+0x…`.
    public var subjects: Int
    /// Their share of all accesses (reads + writes), 0…1.
    public var accessShare: Double
    /// Heap sites whose allocating address no function covers, and global
    /// sites whose address no data symbol covers.
    public var sites: Int
  }

  public struct SubjectLine: Sendable, Encodable, Equatable {
    public var function: String
    public var file: String?
    public var module: String?
    public var reads: UInt64
    public var writes: UInt64
    public var sites: Int
  }

  public struct SiteLine: Sendable, Encodable, Equatable {
    public var site: String
    public var kind: String
    public var file: String?
    public var reads: UInt64
    public var writes: UInt64
    public var subjects: Int
  }

  public struct PseudoLine: Sendable, Encodable, Equatable {
    public var site: String
    public var edges: Int
    public var reads: UInt64
    public var writes: UInt64
  }

  public var workload: String
  /// The kernel commit, when the snapshot is keyed to one.
  public var commit: CommitMetadata?
  public var toolVersion: String
  public var symbolSource: String
  public var symbolFile: String
  public var hasFileInformation: Bool
  public var runs: Int
  public var inputs: [Input]
  public var totals: Totals
  public var unresolved: Unresolved
  public var pseudoSites: [PseudoLine]
  public var topSubjects: [SubjectLine]
  public var topSites: [SiteLine]

  public init(_ snapshot: Snapshot, top: Int = 10) {
    let m = snapshot.metadata
    workload = m.workload
    commit = m.commit
    toolVersion = m.toolVersion
    symbolSource = m.symbolSource
    symbolFile = m.symbolFile
    hasFileInformation = m.hasFileInformation
    runs = snapshot.runs.count
    inputs = snapshot.runs.enumerated().flatMap { run, record in
      record.inputs.map { input in
        Input(
          run: run + 1, file: input.file, format: input.format.rawValue,
          compression: input.compression.rawValue, digest: input.digest, lines: input.lines, objects: input.objects,
          accesses: input.accesses, skippedLines: input.skippedLines, cutLine: input.cutLine?.line,
          problems: input.problems.map(\.description))
      }
    }
    var subjectReads = [UInt64](repeating: 0, count: snapshot.subjects.count)
    var subjectWrites = subjectReads
    var subjectSites = [Int](repeating: 0, count: snapshot.subjects.count)
    var siteReads = [UInt64](repeating: 0, count: snapshot.sites.count)
    var siteWrites = siteReads
    var siteSubjects = [Int](repeating: 0, count: snapshot.sites.count)
    var siteEdges = [Int](repeating: 0, count: snapshot.sites.count)
    var totals = Totals(
      subjects: snapshot.subjects.count, sites: snapshot.sites.count, edges: snapshot.edges.count,
      reads: 0, writes: 0, objects: 0)
    for edge in snapshot.edges {
      subjectReads[edge.subject] = subjectReads[edge.subject].saturatingAdd(edge.reads)
      subjectWrites[edge.subject] = subjectWrites[edge.subject].saturatingAdd(edge.writes)
      subjectSites[edge.subject] += 1
      siteReads[edge.site] = siteReads[edge.site].saturatingAdd(edge.reads)
      siteWrites[edge.site] = siteWrites[edge.site].saturatingAdd(edge.writes)
      siteSubjects[edge.site] += 1
      siteEdges[edge.site] += 1
      totals.reads = totals.reads.saturatingAdd(edge.reads)
      totals.writes = totals.writes.saturatingAdd(edge.writes)
      totals.objects = totals.objects.saturatingAdd(edge.objects)
    }
    self.totals = totals
    let subjectAccesses = zip(subjectReads, subjectWrites).map { $0.saturatingAdd($1) }
    var unresolvedAccesses: UInt64 = 0
    var unresolvedSubjects = 0
    for (i, subject) in snapshot.subjects.enumerated() where subject.isUnresolved {
      unresolvedSubjects += 1
      unresolvedAccesses = unresolvedAccesses.saturatingAdd(subjectAccesses[i])
    }
    let all = totals.reads.saturatingAdd(totals.writes)
    unresolved = Unresolved(
      subjects: unresolvedSubjects,
      accessShare: all == 0 ? 0 : Double(unresolvedAccesses) / Double(all),
      sites: snapshot.sites.filter { $0.kind != .pseudo && $0.name.hasPrefix(unresolvedPrefix) }.count)
    pseudoSites = snapshot.sites.indices.filter { snapshot.sites[$0].kind == .pseudo }.map { i in
      PseudoLine(site: snapshot.sites[i].name, edges: siteEdges[i], reads: siteReads[i], writes: siteWrites[i])
    }
    // Busiest first; ties in the snapshot's order, which is sorted, so that
    // positions break them without comparing names.
    let subjectOrder = snapshot.subjects.indices.sorted { (subjectAccesses[$1], $0) < (subjectAccesses[$0], $1) }
    topSubjects = subjectOrder.prefix(top).map { i in
      let subject = snapshot.subjects[i]
      return SubjectLine(
        function: subject.function, file: subject.file, module: subject.module, reads: subjectReads[i],
        writes: subjectWrites[i], sites: subjectSites[i])
    }
    let siteAccesses = zip(siteReads, siteWrites).map { $0.saturatingAdd($1) }
    let siteOrder = snapshot.sites.indices.sorted { (siteAccesses[$1], $0) < (siteAccesses[$0], $1) }
    topSites = siteOrder.prefix(top).map { i in
      let site = snapshot.sites[i]
      return SiteLine(
        site: site.label, kind: "\(site.kind)", file: site.file, reads: siteReads[i],
        writes: siteWrites[i], subjects: siteSubjects[i])
    }
  }
}
