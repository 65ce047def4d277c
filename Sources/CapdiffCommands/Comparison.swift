import ArgumentParser
import Components
import Drift
import Foundation
import Git
import Graph
import KRX
import Policy
import Reports
import Snapshot

/// One comparison of two snapshots as `diff` and `gate` run it: both sides
/// attributed with one scheme (the head commit's MAINTAINERS by default),
/// base paths read under their head names, MAINTAINERS changes listed, the
/// drift checks, and the kR^X checks when either side has evidence.
struct Comparison {
  let base: Snapshot
  let head: Snapshot
  let document: FindingsDocument
  private let map: ComponentMap
  private let headTree: KernelTree?
  private let repository: Repository?
  /// Base paths under their head names.
  private let renames: [String: String]
  private let sensitiveEdges: Set<ComponentEdge>

  init(
    base: Snapshot, head: Snapshot, repository: Repository?, scheme: ComponentScheme, policy: Policy, rules: DriftRules,
    granularity: Granularity
  ) throws {
    let baseCommit = base.metadata.commit.flatMap { OID(hex: $0.oid) }
    let headCommit = head.metadata.commit.flatMap { OID(hex: $0.oid) }
    var headTree: KernelTree?
    var renames: [String: String] = [:]
    var maintainersChanges: [String] = []
    if let headCommit, let opened = repository {
      headTree = try KernelTree.load(from: opened, at: headCommit, requireMaintainers: scheme.needsRepository)
      headTree?.problems.forEach(Terminal.diagnostic)
      if let baseCommit, baseCommit != headCommit {
        for rename in try opened.renames(from: baseCommit, to: headCommit) { renames[rename.oldPath] = rename.newPath }
        let baseTree = try KernelTree.load(from: opened, at: baseCommit, requireMaintainers: false)
        if let old = baseTree.maintainers, let new = headTree?.maintainers {
          let paths = (base.subjects + head.subjects).compactMap(\.file).map { renames[$0] ?? $0 }
          maintainersChanges = new.changes(since: old, paths: paths)
        }
      }
    } else if scheme.needsRepository {
      throw CommandFailure(
        "The head snapshot is not keyed to a commit (written with --out and no --repo/--rev), so its MAINTAINERS cannot be read: record it with --repo/--rev, or use --scheme dirs:N.")
    }
    // Subjects with files on one side only fall into other components there:
    // every edge would look new or removed.
    if base.metadata.hasFileInformation != head.metadata.hasFileInformation {
      func source(_ snapshot: Snapshot) -> String {
        "\(snapshot.metadata.symbolSource) (\(snapshot.metadata.hasFileInformation ? "with" : "without") source files)"
      }
      throw CommandFailure(
        "base was recorded with \(source(base)) and head with \(source(head)): their subjects cannot be compared; record both with the same kind of symbols, a vmlinux for components")
    }
    let map = ComponentMap(
      scheme: scheme, maintainers: headTree?.maintainers, rules: policy.componentRules,
      sharedAllocators: policy.sharedAllocators)
    var headEvidence = try KRXEvidence(files: head.evidence)
    let report = DriftAnalysis.compare(
      DriftInput(
        base: base, head: head, map: map, tree: headTree?.paths, renames: renames, granularity: granularity, rules: rules,
        today: DateFormatter.utc("yyyy-MM-dd").string(from: Date()),
        headKernelFunctions: headEvidence.layouts.first?.functionNames))
    // kR^X checks run when either side recorded evidence; otherwise every
    // check would only say it was skipped.
    var krx: KRXReport?
    if !base.evidence.isEmpty || !head.evidence.isEmpty {
      // Only the tree's own file may be located in it: a /boot/config-… or
      // standard input shares no path with the tree, whatever its name.
      if let repository, let headCommit, let config = head.evidence.last(where: { $0.kind == .config }),
        try repository.file(config.name, at: headCommit) == config.bytes
      {
        headEvidence.config?.treePath = config.name
      }
      krx = KRXAnalysis.compare(base: try KRXEvidence(files: base.evidence), head: headEvidence, rules: policy.krx)
    }
    func side(_ snapshot: Snapshot) -> FindingsDocument.Side {
      FindingsDocument.Side(
        commit: snapshot.metadata.commit?.oid, describe: snapshot.metadata.commit?.describe,
        workload: snapshot.metadata.workload, runs: snapshot.runs.count)
    }
    self.base = base
    self.head = head
    self.map = map
    self.headTree = headTree
    self.repository = repository
    self.renames = renames
    sensitiveEdges = report.sensitiveEdges
    var document = FindingsDocument(
      toolVersion: Capdiff.version, base: side(base), head: side(head), scheme: scheme.description,
      granularity: granularity.rawValue, report: report, krxFindings: krx?.findings ?? [], krx: krx?.outcomes ?? [],
      maintainersChanges: maintainersChanges)
    // What a rule may name: every component the comparison gave, every
    // subsystem of head's MAINTAINERS and every component of the policy's rules.
    if !rules.allow.isEmpty || !rules.never.isEmpty {
      var components = report.components
      components.formUnion(headTree?.maintainers?.entries.map(\.name) ?? [])
      components.formUnion(policy.componentRules.map(\.component))
      document.warnings += rules.rulesMatchingNoComponent(components)
    }
    if rules.minRuns > head.runs.count {
      document.warnings.append(
        "a head edge counts only when seen in \(rules.minRuns) runs (--min-runs or the policy's min-runs), and head has \(head.runs.count): no head edge counts, so no new access, escalation or forbidden access can be found; record more runs or lower it")
    }
    if !head.metadata.hasFileInformation {
      document.warnings.append(
        "base and head were recorded with \(head.metadata.symbolSource), without source files: a subject is [unknown] unless a policy function: rule places it, so no new cross-component access by other code can be found; record with a vmlinux that carries DWARF (a -dbg package's)")
    }
    self.document = document
  }

  /// The kernel repository of `base` and `head`, for `diff`: the one named,
  /// else the one holding the current directory when it has their commits.
  /// dirs:N can do without it (paths are then read as recorded); MAINTAINERS
  /// cannot. Nil for a head keyed to no commit, whose tree none can give.
  static func repository(named path: String?, for base: Snapshot, _ head: Snapshot, scheme: ComponentScheme) throws
    -> Repository?
  {
    guard let headCommit = head.metadata.commit.flatMap({ OID(hex: $0.oid) }) else { return nil }
    if let path { return try Repository(opening: path) }
    let commits = [headCommit] + [base.metadata.commit.flatMap { OID(hex: $0.oid) }].compactMap { $0 }
    if let here = Repository.here(holding: commits) { return here }
    guard scheme.needsRepository else { return nil }
    throw CommandFailure(
      "The snapshots are keyed to commits (head \(headCommit.abbreviated())) whose MAINTAINERS decides the components, and the current directory is in no repository that holds them: give --repo, or use --scheme dirs:N.")
  }

  /// What the reports show beside the findings: commits, the component graphs.
  func reportInput(sourceURL: String?) -> ReportInput {
    let headGraph = PrivilegeGraph(head, map: map, tree: headTree?.paths)
    return ReportInput(
      document: document, base: ReportOptions.commit(base, repository: repository),
      head: ReportOptions.commit(head, repository: repository),
      graph: GraphEdge.compare(
        base: PrivilegeGraph(base.renamingFiles(renames), map: map, tree: headTree?.paths), head: headGraph,
        sensitive: sensitiveEdges),
      subjectComponents: Array(Set(headGraph.edges.map(\.subject))), sourceURL: sourceURL,
      timestamp: ReportOptions.timestamp, hostname: ReportOptions.hostname)
  }
}
