import Components
import Graph
import Input
import Snapshot

extension DriftAnalysis {
  struct Key {
    var subject: String
    var object: String
  }

  /// Subject and object names of both sides under one numbering, so that a
  /// group's key is two integers and both sides compare keys without hashing
  /// strings.
  final class Names {
    private var numbers: [String: UInt64] = [:]
    private(set) var names: [String] = []

    func number(_ name: String) -> UInt64 {
      if let number = numbers[name] { return number }
      let number = UInt64(names.count)
      numbers[name] = number
      names.append(name)
      return number
    }
  }

  /// What the comparison needs to know of one group of edges.
  struct Group {
    var index: Int
    var key: Key
    var subjectComponent: String
    var ownerComponent: String
    var reads: UInt64
    var writes: UInt64
    var sensitive: Bool
    /// The most runs any one of its edges was seen in.
    var runs: Int
    /// Distinct subject functions and object sites behind the group.
    var functions: Int
    var sites: Int
  }

  /// One snapshot's edges grouped by the granularity's (subject, object)
  /// key. Per-group values sit in flat arrays and group `g`'s edges are
  /// `members[start[g]..<start[g + 1]]`: a million edges make a few arrays,
  /// not a hundred thousand small ones.
  struct Side {
    /// As recorded, files unrenamed: evidence names the files its lines
    /// are lines of. Renames change files alone, never edges or functions.
    private let snapshot: Snapshot
    /// Group index by the numbers of subject and object names, packed.
    let slots: [UInt64: Int]
    private let keys: [Key]
    private let subjectComponents: [String]
    private let ownerComponents: [String]
    private let reads: [UInt64]
    private let writes: [UInt64]
    private let runs: [Int]
    private let sensitive: [Bool]
    private let functionCounts: [Int]
    private let siteCounts: [Int]
    private let start: [Int]
    private let members: [Int32]
    /// By subject index: whether the other side's trace runs that function.
    private let runsElsewhere: [Bool]

    /// Groups `snapshot`, reading its paths through `renames` first.
    init(_ snapshot: Snapshot, input: DriftInput, renames: [String: String], otherFunctions: Set<String>, names: Names) {
      let renamed = snapshot.renamingFiles(renames)
      let attribution = SnapshotAttribution(renamed, map: input.map, tree: input.tree)
      let subjectNumbers = renamed.subjects.indices.map { i in
        switch input.granularity {
        case .component: names.number(attribution.subjects[i])
        case .file: names.number(renamed.subjects[i].file ?? attribution.subjects[i])
        case .function: names.number(renamed.subjects[i].function)
        }
      }
      let objectNumbers = renamed.sites.indices.map { i in
        switch input.granularity {
        case .component: names.number(attribution.owners[i])
        case .file: names.number(renamed.sites[i].file ?? attribution.owners[i])
        case .function: names.number(renamed.sites[i].label)
        }
      }
      let sensitiveSites = renamed.sites.map { site in
        input.rules.sensitiveSlabs.contains(site.slab ?? "") || input.rules.sensitiveSites.contains { $0.matches(site.name) }
      }

      var slots: [UInt64: Int] = [:]
      var keys: [Key] = []
      var subjectComponents: [String] = []
      var ownerComponents: [String] = []
      var reads: [UInt64] = []
      var writes: [UInt64] = []
      var runs: [Int] = []
      var sensitive: [Bool] = []
      var functionCounts: [Int] = []
      var lastSubject: [Int] = []
      var groupOfEdge = [Int32](repeating: 0, count: renamed.edges.count)
      for (index, edge) in renamed.edges.enumerated() {
        let packed = subjectNumbers[edge.subject] << 32 | objectNumbers[edge.site]
        let group: Int
        if let existing = slots[packed] {
          group = existing
        } else {
          group = keys.count
          slots[packed] = group
          keys.append(
            Key(
              subject: names.names[Int(subjectNumbers[edge.subject])],
              object: names.names[Int(objectNumbers[edge.site])]))
          subjectComponents.append(attribution.subjects[edge.subject])
          ownerComponents.append(attribution.owners[edge.site])
          reads.append(0)
          writes.append(0)
          runs.append(0)
          sensitive.append(false)
          functionCounts.append(0)
          lastSubject.append(-1)
        }
        groupOfEdge[index] = Int32(group)
        reads[group] = reads[group].saturatingAdd(edge.reads)
        writes[group] = writes[group].saturatingAdd(edge.writes)
        runs[group] = max(runs[group], edge.runs)
        if sensitiveSites[edge.site] { sensitive[group] = true }
        // Edges come sorted by subject, so a group's next function is a
        // change from the subject of its previous edge.
        if lastSubject[group] != edge.subject {
          lastSubject[group] = edge.subject
          functionCounts[group] += 1
        }
      }

      // Counting sort of edge indices by group, keeping edge order within one.
      var start = [Int](repeating: 0, count: keys.count + 1)
      for group in groupOfEdge { start[Int(group) + 1] += 1 }
      for group in keys.indices { start[group + 1] += start[group] }
      var next = start
      var members = [Int32](repeating: 0, count: renamed.edges.count)
      var memberSites = [Int32](repeating: 0, count: renamed.edges.count)
      for (index, group) in groupOfEdge.enumerated() {
        members[next[Int(group)]] = Int32(index)
        memberSites[next[Int(group)]] = Int32(renamed.edges[index].site)
        next[Int(group)] += 1
      }
      var seen = [Int](repeating: -1, count: renamed.sites.count)
      let siteCounts = keys.indices.map { group in
        var count = 0
        for site in memberSites[start[group]..<start[group + 1]] where seen[Int(site)] != group {
          seen[Int(site)] = group
          count += 1
        }
        return count
      }

      self.snapshot = snapshot
      self.slots = slots
      self.keys = keys
      self.subjectComponents = subjectComponents
      self.ownerComponents = ownerComponents
      self.reads = reads
      self.writes = writes
      self.runs = runs
      self.sensitive = sensitive
      self.functionCounts = functionCounts
      self.siteCounts = siteCounts
      self.start = start
      self.members = members
      self.runsElsewhere = renamed.subjects.map { otherFunctions.contains($0.function) }
    }

    func group(_ index: Int) -> Group {
      Group(
        index: index, key: keys[index], subjectComponent: subjectComponents[index],
        ownerComponent: ownerComponents[index], reads: reads[index], writes: writes[index],
        sensitive: sensitive[index], runs: runs[index], functions: functionCounts[index], sites: siteCounts[index])
    }

    func group(_ packed: UInt64) -> Group? { slots[packed].map(group) }

    private func edges(_ group: Group) -> some Collection<Edge> {
      members[start[group.index]..<start[group.index + 1]].lazy.map { snapshot.edges[Int($0)] }
    }

    func functionNames(_ group: Group) -> Set<String> {
      Set(edges(group).map { snapshot.subjects[$0.subject].function })
    }

    /// The group's functions, sorted, when each is a known function of the
    /// kernel image and none is among `functions` (another kernel's); nil
    /// when any is, or is a module's or unresolved.
    func functions(_ group: Group, noneOf functions: Set<String>) -> [String]? {
      let subjects = edges(group).map { snapshot.subjects[$0.subject] }
      guard subjects.allSatisfy({ $0.module == nil && !$0.isUnresolved && !functions.contains($0.function) }) else { return nil }
      return Set(subjects.map(\.function)).sorted()
    }

    /// Whether none of the group's functions runs on the other side.
    func isNewToOtherSide(_ group: Group) -> Bool {
      !edges(group).contains { runsElsewhere[$0.subject] }
    }

    func evidence(_ group: Group) -> [Evidence] {
      edges(group).map { edge in
        let subject = snapshot.subjects[edge.subject]
        let site = snapshot.sites[edge.site]
        return Evidence(
          function: subject.function, file: subject.file, line: edge.line, site: site.name, siteFile: site.file,
          allocType: site.allocType?.name, slab: site.slab, reads: edge.reads, writes: edge.writes)
      }.sorted { ($0.function, $0.site) < ($1.function, $1.site) }
    }
  }
}
