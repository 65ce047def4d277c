import ArgumentParser
import Components
import Drift
import Foundation
import Git
import Graph
import KRX
import Reports
import Policy
import Snapshot
import Store

/// `--granularity` as typed.
struct GranularityArgument: ExpressibleByArgument {
  let granularity: Granularity
  init?(argument: String) {
    guard let value = Granularity(rawValue: argument) else { return nil }
    granularity = value
  }
  static var allValueStrings: [String] { Granularity.allCases.map(\.rawValue) }
}

extension Capdiff {
  /// `capdiff diff`: what privilege did the head kernel gain over its base?
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare the privilege graphs of two snapshots and gate on new cross-component access.",
      discussion: """
        BASE and HEAD are snapshot files or revisions whose snapshots are in the \\
        store. Both sides are attributed with one component scheme: by default \\
        the head commit's MAINTAINERS; paths renamed between the commits are read \\
        under their head names. Exit status: 0 nothing to report, 4 findings that \\
        do not fail the gate, 8 the gate fails (12: both), 1 tool error, 2 usage.

        Examples:
          capdiff diff --repo ~/src/linux --workload ltp v6.1 v6.12 --policy capdiff.yml --out reports/v6.12
          capdiff diff --scheme dirs:2 base.capmap head.capmap
        """)

    @Option(help: "The kernel git repository.")
    var repo: String = "."

    @OptionGroup(title: "Store") var store: StoreOptions

    @Option(help: "Workload, when a revision has snapshots of several.")
    var workload: String?

    @Option(help: "Component scheme: maintainers (the head commit's MAINTAINERS) or dirs:N.")
    var scheme: SchemeArgument?

    @Option(help: "Policy file (capdiff.yml): gate, thresholds, sensitive sites, suppressions, allow and never rules.")
    var policy: String?

    @Option(help: "Group edges by component, file or function.")
    var granularity: GranularityArgument = GranularityArgument(argument: "component")!

    @Option(help: "A head edge counts only when seen in at least K runs (default: the policy's, else 1).")
    var minRuns: Int?

    @OptionGroup(title: "Reports") var reports: ReportOptions

    @Flag(help: "Show each finding's evidence.")
    var verbose = false

    @Argument(help: "Base: a snapshot file or a revision.") var base: String
    @Argument(help: "Head: a snapshot file or a revision.") var head: String

    func validate() throws {
      if let minRuns, minRuns < 1 { throw ValidationError("--min-runs must be at least 1.") }
    }

    func run() throws {
      let settings = try policy.map(PolicyLoader.load) ?? Policy()
      var rules = settings.drift
      if let minRuns { rules.minRuns = minRuns }
      let chosen = scheme?.scheme ?? settings.scheme ?? .maintainers
      let baseSnapshot = try SnapshotLocator.load(base, repository: repo, store: store, workload: workload)
      let headSnapshot = try SnapshotLocator.load(head, repository: repo, store: store, workload: workload)
      let baseCommit = baseSnapshot.metadata.commit.flatMap { OID(hex: $0.oid) }
      let headCommit = headSnapshot.metadata.commit.flatMap { OID(hex: $0.oid) }

      var repository: Repository?
      var headTree: KernelTree?
      var renames: [String: String] = [:]
      var maintainersChanges: [String] = []
      if let headCommit, chosen.needsRepository || FileManager.default.fileExists(atPath: repo) {
        let opened = try Repository(opening: repo)
        repository = opened
        headTree = try KernelTree.load(from: opened, at: headCommit, requireMaintainers: chosen.needsRepository)
        headTree?.problems.forEach(Terminal.diagnostic)
        if let baseCommit, baseCommit != headCommit {
          for rename in try opened.renames(from: baseCommit, to: headCommit) { renames[rename.oldPath] = rename.newPath }
          let baseTree = try KernelTree.load(from: opened, at: baseCommit, requireMaintainers: false)
          if let old = baseTree.maintainers, let new = headTree?.maintainers {
            let paths = (baseSnapshot.subjects + headSnapshot.subjects).compactMap(\.file).map { renames[$0] ?? $0 }
            maintainersChanges = new.changes(since: old, paths: paths)
          }
        }
      } else if chosen.needsRepository {
        throw ValidationError(
          "The head snapshot is not keyed to a commit, so its MAINTAINERS cannot be read: record it with --repo/--rev, or use --scheme dirs:N.")
      }
      let map = ComponentMap(
        scheme: chosen, maintainers: headTree?.maintainers, rules: settings.componentRules,
        sharedAllocators: settings.sharedAllocators)
      let formatter = DateFormatter()
      formatter.dateFormat = "yyyy-MM-dd"
      formatter.timeZone = TimeZone(identifier: "UTC")
      let report = DriftAnalysis.compare(
        DriftInput(
          base: baseSnapshot, head: headSnapshot, map: map, tree: headTree?.paths, renames: renames,
          granularity: granularity.granularity, rules: rules, today: formatter.string(from: Date())))
      // kR^X checks run when either side recorded evidence; otherwise every
      // check would only say it was skipped.
      var krx: KRXReport?
      if !baseSnapshot.evidence.isEmpty || !headSnapshot.evidence.isEmpty {
        krx = KRXAnalysis.compare(
          base: try KRXEvidence(files: baseSnapshot.evidence), head: try KRXEvidence(files: headSnapshot.evidence),
          rules: settings.krx)
      }
      let document = FindingsDocument(
        toolVersion: Capdiff.version, base: side(baseSnapshot), head: side(headSnapshot), scheme: chosen.description,
        granularity: granularity.granularity.rawValue, report: report, krxFindings: krx?.findings ?? [],
        krx: krx?.outcomes ?? [], maintainersChanges: maintainersChanges)
      let written = try reports.write {
        let headGraph = PrivilegeGraph(headSnapshot, map: map, tree: headTree?.paths)
        return ReportInput(
          document: document, base: ReportOptions.commit(baseSnapshot, repository: repository),
          head: ReportOptions.commit(headSnapshot, repository: repository),
          graph: GraphEdge.compare(
            base: PrivilegeGraph(baseSnapshot, map: map, tree: headTree?.paths), head: headGraph, findings: document.findings),
          subjectComponents: Array(Set(headGraph.edges.map(\.subject))), sourceURL: reports.sourceURL,
          timestamp: ReportOptions.timestamp, hostname: ReportOptions.hostname)
      }
      Terminal.output(FindingsText.render(document, command: "diff", verbose: verbose, reportPath: written))
      if document.exitStatus != 0 { throw ExitCode(document.exitStatus) }
    }

    private func side(_ snapshot: Snapshot) -> FindingsDocument.Side {
      FindingsDocument.Side(
        commit: snapshot.metadata.commit?.oid, describe: snapshot.metadata.commit?.describe,
        workload: snapshot.metadata.workload, runs: snapshot.runs.count)
    }
  }
}

