import ArgumentParser
import Components
import Foundation
import Git
import Graph
import Policy
import Reports
import Snapshot
import Store

extension Capdiff {
  /// `capdiff history A..B`: the release review of DESIGN §1.
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Follow privilege drift across a range of commits, and say where each new edge came in.",
      discussion: """
        Walks the first-parent path from B back to A and takes every commit with \
        a stored snapshot of the workload. Components come from one scheme for all \
        of them: B's MAINTAINERS by default. For each step it counts the \
        cross-component edges and what changed; for each edge B has and A lacks, \
        and each one B reaches with more rights (a write where A only read), it \
        names the last snapshot without it and the first with it, with the commits \
        between and the 'git bisect start' that searches them.

        Example:
          capdiff history --repo ~/src/linux --workload ltp v6.1..v6.12 \\
              --out reports/v6.12-history
        """)

    @Option(help: "The kernel git repository.")
    var repo: String = "."

    @OptionGroup(title: "Store") var store: StoreOptions

    @Option(help: "Workload whose snapshots count.")
    var workload: String

    @Option(help: "Component scheme: maintainers (B's MAINTAINERS) or dirs:N.")
    var scheme: SchemeArgument?

    @Option(help: "Policy file (capdiff.yml), for its component rules.")
    var policy: String?

    @Option(help: "Folder for history.json, history.md and index.html.")
    var out: String?

    @Argument(help: "The range, A..B: B and its first-parent ancestors back to A.")
    var range: String

    func run() throws {
      let parts = range.components(separatedBy: "..")
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw ValidationError("Give the range as A..B (for example v6.1..v6.12).")
      }
      let settings = try policy.map(PolicyLoader.load) ?? Policy()
      let repository = try Repository(opening: repo)
      let (start, end) = (try repository.resolve(parts[0]), try repository.resolve(parts[1]))
      let snapshots = try store.open(repository: repository)
      try Workload.validate(workload, store: snapshots.name)

      // The first-parent path from B back to A, newest first.
      var path: [OID] = []
      var reached = false
      try repository.walkFirstParents(from: end) { commit, _ in
        path.append(commit)
        reached = commit == start
        return !reached
      }
      guard reached else {
        throw ValidationError("\(parts[0]) is not on the first-parent history of \(parts[1]).")
      }
      var stored: [(commit: OID, position: Int, snapshot: Snapshot)] = []
      for (distance, commit) in path.enumerated().reversed() {
        guard let snapshot = try snapshots.snapshot(commit: commit.hex, workload: workload) else { continue }
        stored.append((commit, path.count - 1 - distance, snapshot))
      }
      guard stored.count >= 2 else {
        throw CommandFailure(
          "\(range) holds \(stored.count) snapshot\(stored.count == 1 ? "" : "s") of workload '\(workload)' in \(snapshots.name); history needs two or more (record them with 'capdiff record').")
      }

      let chosen = scheme?.scheme ?? settings.scheme ?? .maintainers
      let tree = try KernelTree.load(from: repository, at: end, requireMaintainers: chosen.needsRepository)
      let map = ComponentMap(
        scheme: chosen, maintainers: tree.maintainers, rules: settings.componentRules,
        sharedAllocators: settings.sharedAllocators)
      // Every snapshot is read under B's paths, as diff reads base under
      // head's: a file moved within the range is not drift.
      let graphs = try stored.map { entry in
        let renames = entry.commit == end ? [:] : try repository.renames(from: entry.commit, to: end)
          .reduce(into: [String: String]()) { $0[$1.oldPath] = $1.newPath }
        return PrivilegeGraph(entry.snapshot.renamingFiles(renames), map: map, tree: tree.paths).edges
          .filter(\.isCrossComponent)
          .reduce(into: [String: PrivilegeGraph.Edge]()) { $0["\($1.subject) -> \($1.owner)"] = $1 }
      }
      func commit(_ entry: (commit: OID, position: Int, snapshot: Snapshot)) throws -> HistoryReport.Commit {
        let metadata = entry.snapshot.metadata.commit
        return HistoryReport.Commit(
          oid: entry.commit.hex, describe: try metadata?.describe ?? repository.describe(entry.commit),
          subject: try metadata?.subject ?? repository.commit(entry.commit).subject)
      }
      var points: [HistoryReport.Point] = []
      for (index, entry) in stored.enumerated() {
        let edges = graphs[index]
        let previous = index > 0 ? graphs[index - 1] : edges
        points.append(
          HistoryReport.Point(
            commit: try commit(entry), position: entry.position, crossComponentEdges: edges.count,
            bySubject: edges.values.reduce(into: [:]) { $0[$1.subject, default: 0] += 1 },
            added: Set(edges.keys).subtracting(previous.keys).sorted(),
            removed: Set(previous.keys).subtracting(edges.keys).sorted()))
      }
      // Edges of the end that the start lacks, and edges the start only read
      // that the end writes (escalations): each with the last snapshot
      // without it and the first with it, the range to bisect.
      var introductions: [HistoryReport.Introduction] = []
      func introduce(_ edge: String, _ access: String, after lastWithout: Int) {
        let firstWith = lastWithout + 1
        introductions.append(
          HistoryReport.Introduction(
            edge: edge, access: access, lastWithout: points[lastWithout].commit, firstWith: points[firstWith].commit,
            commitsBetween: stored[firstWith].position - stored[lastWithout].position))
      }
      for edge in graphs.last!.keys.sorted() {
        let (start, now) = (graphs.first![edge], graphs.last![edge]!)
        // New: the start lacks it; placed after the last snapshot without
        // it, with the access it came in with.
        let lastAbsent = start == nil ? graphs.lastIndex { $0[edge] == nil } : nil
        if let lastAbsent { introduce(edge, graphs[lastAbsent + 1][edge]!.access.rawValue, after: lastAbsent) }
        // Escalated: the start did not write it and the end does; placed
        // after the last snapshot that did not write it, when that came
        // after the edge itself (else the new row says it all).
        if now.access.writes, start?.access.writes != true,
          let lastWithoutWrite = graphs.lastIndex(where: { $0[edge].map { !$0.access.writes } ?? true }),
          lastWithoutWrite > lastAbsent ?? -1
        {
          let before = graphs[lastWithoutWrite][edge]?.access ?? start!.access
          introduce(edge, "\(before.rawValue) → \(now.access.rawValue)", after: lastWithoutWrite)
        }
      }
      let report = HistoryReport(
        range: range, workload: workload, scheme: chosen.description, points: points, introductions: introductions)

      var text = "capdiff history \(range) (\(workload); \(chosen.description)): \(points.count) snapshots\n"
      for point in points {
        text += "  \(point.commit.describe.padded(28)) \(String(point.crossComponentEdges).padded(5)) cross-component edges"
        if !point.added.isEmpty { text += ", +\(point.added.count)" }
        if !point.removed.isEmpty { text += ", -\(point.removed.count)" }
        text += "\n"
      }
      if !introductions.isEmpty { text += "\nNew or escalated since \(parts[0]):\n" }
      for i in introductions {
        text += "  \(i.edge) (\(i.access)): between \(i.lastWithout.describe) and \(i.firstWith.describe), \(i.commitsBetween) commit\(i.commitsBetween == 1 ? "" : "s"): \(i.bisect)\n"
      }
      if let out {
        try report.write(to: out)
        text += "\nreport: \(out)/index.html\n"
      }
      Terminal.output(text)
    }
  }
}
