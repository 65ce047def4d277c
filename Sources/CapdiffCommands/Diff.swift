import ArgumentParser
import Components
import Drift
import Reports
import Policy

/// `--granularity` as typed.
struct GranularityArgument: ExpressibleByArgument {
  let granularity: Granularity
  init?(argument: String) {
    guard let value = Granularity(rawValue: argument) else { return nil }
    granularity = value
  }
  static var allValueStrings: [String] { Granularity.allCases.map(\.rawValue) }
}

extension GranularityArgument: CustomStringConvertible {
  /// What `--help` shows as the default.
  var description: String { granularity.rawValue }
}

extension Capdiff {
  /// `capdiff diff`: what privilege did the head kernel gain over its base?
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare the privilege graphs of two snapshots and gate on new cross-component access.",
      discussion: """
        BASE and HEAD are snapshot files or revisions whose snapshots are in the \
        store. Both sides are attributed with one component scheme: by default \
        the head commit's MAINTAINERS; paths renamed between the commits are read \
        under their head names. Exit status: 0 nothing to report, 4 findings that \
        do not fail the gate, 8 the gate fails (12: both), 1 tool error, 2 usage.

        Examples:
          capdiff diff --repo ~/src/linux --workload ltp v6.1 v6.12 \\
              --policy capdiff.yml --out reports/v6.12
          capdiff diff --scheme dirs:2 base.capmap head.capmap
        """)

    @Option(help: "The kernel git repository. (default: the one holding the current directory)")
    var repo: String?

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
      let baseSnapshot = try SnapshotLocator.load(base, repository: repo ?? ".", store: store, workload: workload)
      let headSnapshot = try SnapshotLocator.load(head, repository: repo ?? ".", store: store, workload: workload)
      let comparison = try Comparison(
        base: baseSnapshot, head: headSnapshot,
        repository: try Comparison.repository(named: repo, for: baseSnapshot, headSnapshot, scheme: chosen), scheme: chosen, policy: settings, rules: rules,
        granularity: granularity.granularity)
      let written = try reports.write { comparison.reportInput(sourceURL: reports.sourceURL) }
      Terminal.output(FindingsText.render(comparison.document, command: "diff", verbose: verbose, reportPath: written))
      if comparison.document.exitStatus != 0 { throw ExitCode(comparison.document.exitStatus) }
    }
  }
}
