import ArgumentParser
import Components
import Drift
import Foundation
import Git
import Graph
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

    @Option(help: "Folder for findings.json.")
    var out: String?

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

      var headTree: KernelTree?
      var renames: [String: String] = [:]
      var maintainersChanges: [String] = []
      if let headCommit, chosen.needsRepository || FileManager.default.fileExists(atPath: repo) {
        let repository = try Repository(opening: repo)
        headTree = try KernelTree.load(from: repository, at: headCommit, requireMaintainers: chosen.needsRepository)
        headTree?.problems.forEach(Terminal.diagnostic)
        if let baseCommit, baseCommit != headCommit {
          for rename in try repository.renames(from: baseCommit, to: headCommit) { renames[rename.oldPath] = rename.newPath }
          let baseTree = try KernelTree.load(from: repository, at: baseCommit, requireMaintainers: false)
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
      let document = FindingsDocument(
        toolVersion: Capdiff.version, base: side(baseSnapshot), head: side(headSnapshot), scheme: chosen.description,
        granularity: granularity.granularity.rawValue, report: report, maintainersChanges: maintainersChanges)
      if let out {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(document)) + [UInt8(ascii: "\n")], to: "\(out)/findings.json")
      }
      Terminal.output(DriftText.render(document, verbose: verbose, findingsPath: out.map { "\($0)/findings.json" }))
      let failing = report.findings.contains { $0.failsGate }
      let other = report.findings.contains { !$0.failsGate && !$0.suppressed }
      let status = (failing ? 8 : 0) | (other ? 4 : 0)
      if status != 0 { throw ExitCode(Int32(status)) }
    }

    private func side(_ snapshot: Snapshot) -> FindingsDocument.Side {
      FindingsDocument.Side(
        commit: snapshot.metadata.commit?.oid, describe: snapshot.metadata.commit?.describe,
        workload: snapshot.metadata.workload, runs: snapshot.runs.count)
    }
  }
}

/// The terminal summary of a diff: grouped by subject component, most severe first.
enum DriftText {
  static func render(_ document: FindingsDocument, verbose: Bool, findingsPath: String?) -> String {
    let colour = Terminal.outputIsTerminal
    func paint(_ text: String, _ severity: Severity) -> String {
      guard colour else { return text }
      let code = severity == .high ? "31" : (severity == .medium ? "33" : (severity == .low ? "36" : "2"))
      return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
    let base = document.base.describe ?? document.base.commit ?? "base"
    let head = document.head.describe ?? document.head.commit ?? "head"
    var out = "capdiff diff \(base) -> \(head) (\(document.head.workload); \(document.scheme), \(document.granularity)): \(document.verdict.uppercased())\n"
    let counts = document.counts
    out += "  new-access \(counts["new-access"] ?? 0), escalation \(counts["escalation"] ?? 0), removed-access \(counts["removed-access"] ?? 0), growth \(counts["growth"] ?? 0), suppressed \(counts["suppressed"] ?? 0)\n"
    out += "  runs: base \(document.base.runs), head \(document.head.runs); base runs disagree on \(document.baseDisagreement["unstableEdges"] ?? 0) of \(document.baseDisagreement["crossComponentEdges"] ?? 0) cross-component edges\n"
    let bySubject = Dictionary(grouping: document.findings) { $0.subject ?? "" }
    let order = bySubject.keys.sorted {
      let a = bySubject[$0]!.map(\.severity).max()!
      let b = bySubject[$1]!.map(\.severity).max()!
      return a != b ? a > b : $0 < $1
    }
    for subject in order {
      out += "\n\(subject)\n"
      for finding in bySubject[subject]! {
        var line = "  \(paint(finding.severity.rawValue.padded(6), finding.severity)) \(finding.kind.padded(14)) \(finding.message)"
        line += " [seen in \(finding.runs.seen) of \(finding.runs.of) runs]"
        if finding.failsGate { line += " FAILS GATE" }
        if let suppression = finding.suppression { line += " (suppressed: \(suppression.reason))" }
        out += line + "\n"
        if verbose {
          for e in finding.evidence {
            let place = [e.file, e.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
            out += "      \(e.function)\(place.isEmpty ? "" : " (\(place))") -> \(e.site)\(e.slab.map { " [\($0)]" } ?? ""): \(e.reads) R \(e.writes) W\n"
          }
        }
      }
    }
    for suppression in document.suppressions where suppression.status != .used {
      out += "\nsuppression \(suppression.subject) -> \(suppression.object) (\(suppression.reason)) is \(suppression.status.rawValue)"
      if suppression.status == .expired { out += " since \(suppression.expires ?? "?"): it no longer suppresses (\(suppression.matched) finding\(suppression.matched == 1 ? "" : "s") would match)" }
      out += "\n"
    }
    if !document.maintainersChanges.isEmpty {
      out += "\nMAINTAINERS changes (information, not findings):\n"
      out += document.maintainersChanges.map { "  \($0)\n" }.joined()
    }
    if let findingsPath { out += "\nfindings: \(findingsPath)\n" }
    return out
  }
}
