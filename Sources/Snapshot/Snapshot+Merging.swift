import Input

extension Snapshot {
  /// This snapshot with the runs of `other` (of the same commit and
  /// workload) added: edges seen in both add their counts and their runs;
  /// subjects and sites are united and sorted again.
  public func adding(runsOf other: Snapshot) -> Snapshot {
    let subjects = Array(Set(self.subjects).union(other.subjects)).sorted()
    let sites = Array(Set(self.sites).union(other.sites)).sorted()
    let subjectIndex = Dictionary(uniqueKeysWithValues: subjects.enumerated().map { ($1, $0) })
    let siteIndex = Dictionary(uniqueKeysWithValues: sites.enumerated().map { ($1, $0) })
    var merged: [UInt64: Edge] = [:]
    for (snapshot, edges) in [(self, self.edges), (other, other.edges)] {
      for edge in edges {
        let subject = subjectIndex[snapshot.subjects[edge.subject]]!
        let site = siteIndex[snapshot.sites[edge.site]]!
        let key = edgeKey(subject: UInt32(subject), site: UInt32(site))
        if var existing = merged[key] {
          existing.reads = existing.reads.saturatingAdd(edge.reads)
          existing.writes = existing.writes.saturatingAdd(edge.writes)
          existing.objects = existing.objects.saturatingAdd(edge.objects)
          existing.runs += edge.runs
          existing.line = [existing.line, edge.line].compactMap { $0 }.min()
          merged[key] = existing
        } else {
          merged[key] = Edge(
            subject: subject, site: site, reads: edge.reads, writes: edge.writes, objects: edge.objects,
            runs: edge.runs, line: edge.line)
        }
      }
    }
    var metadata = self.metadata
    metadata.hasFileInformation = self.metadata.hasFileInformation && other.metadata.hasFileInformation
    return Snapshot(
      metadata: metadata, runs: runs + other.runs, subjects: subjects, sites: sites,
      edges: merged.keys.sorted().map { merged[$0]! }, evidence: evidence(mergedWith: other.evidence))
  }

  /// Layout samples accumulate (each run may bring its boot's kallsyms);
  /// any other kind of evidence the new run brings replaces the old.
  private func evidence(mergedWith newer: [EvidenceFile]) -> [EvidenceFile] {
    let replaced = Set(newer.map(\.kind)).subtracting([.layout])
    var result = evidence.filter { !replaced.contains($0.kind) }
    for file in newer where !(file.kind == .layout && result.contains(file)) { result.append(file) }
    return result
  }

  /// The digests of every input recorded, for refusing the same kmap twice.
  public var inputDigests: Set<String> {
    Set(runs.flatMap(\.inputs).compactMap(\.digest))
  }
}
