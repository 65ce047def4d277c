import ArgumentParser
import Drift
import Git
import Policy
import Reports
import Snapshot
import Store
import Symbols

/// `--no-baseline`: what the gate does when no baseline snapshot exists.
enum NoBaseline: String, ExpressibleByArgument, CaseIterable {
  /// Pass, saying so.
  case pass
  /// Fail the gate (exit 8).
  case fail
  /// Judge head alone in default-deny mode: every cross-component access
  /// the policy's allow rules do not cover is a finding.
  case allowlist
}

extension Capdiff {
  /// `capdiff gate`: the CI job of DESIGN §1.
  struct Gate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Gate a kernel commit in CI: record its kmaps, find its baseline, run every check, write every report.",
      discussion: """
        The head snapshot comes from KMAP arguments (recorded now; --record also \
        stores it) or, without them, from the store. The baseline is the snapshot \
        at the merge-base with --upstream, else the nearest first-parent ancestor \
        that has one. Reports go to reports/<describe>/ (or --out). Exit status: \
        0 nothing to report, 4 findings that do not fail the gate, 8 the gate \
        fails (12: both), 1 tool error (no baseline, unless --no-baseline says \
        otherwise), 2 usage.

        Examples:
          capdiff gate --repo . --workload ltp --symbols vmlinux \\
              --upstream origin/master --record run1.kmap run2.kmap
          capdiff gate --repo . --workload boot --rev HEAD --policy capdiff.yml
        """)

    @OptionGroup(title: "Kernel repository") var repository: RepositoryOptions
    @OptionGroup(title: "Store") var store: StoreOptions

    @Option(help: "Workload the kmaps traced.")
    var workload: String

    @Option(help: "Upstream reference: the baseline is the snapshot at the merge-base with it.")
    var upstream: String?

    @Option(help: "The baseline: a revision whose stored snapshot head is compared with, or auto (found as above).")
    var base: String = "auto"

    @Option(help: "Symbols for the kmaps: a vmlinux, a System.map or a copy of /proc/kallsyms.")
    var symbols: String?

    @Flag(help: "Store the head snapshot (adding runs to one already stored).")
    var record = false

    @OptionGroup(title: "kR^X evidence") var evidence: EvidenceOptions

    @Option(help: "When no baseline exists: pass, fail, or allowlist (judge head alone against the policy's allow rules).")
    var noBaseline: NoBaseline?

    @Option(help: "Policy file (capdiff.yml).")
    var policy: String?

    @Option(help: "Component scheme: maintainers (the head commit's MAINTAINERS) or dirs:N.")
    var scheme: SchemeArgument?

    @Option(help: "Group edges by component, file or function.")
    var granularity: GranularityArgument = GranularityArgument(argument: "component")!

    @OptionGroup(title: "Reports") var reports: ReportOptions

    @Flag(help: "Show each finding's evidence.")
    var verbose = false

    @Argument(help: "Kmap files of the head, one run each (as for record); none: the head's stored snapshot.")
    var kmaps: [String] = []

    func validate() throws {
      if base != "auto", upstream != nil { throw ValidationError("--base names the baseline; --upstream finds one: give one or the other.") }
      if kmaps.isEmpty, record { throw ValidationError("--record stores kmaps given on the command line; give some.") }
      // Without kmaps the head's stored snapshot is compared as recorded, evidence and all.
      if kmaps.isEmpty, !evidence.given.isEmpty {
        throw ValidationError(
          "\(evidence.given.joined(separator: ", ")): the evidence options need kmaps to record with; give the head's kmaps, or leave them out to compare its stored snapshot as recorded.")
      }
    }

    func run() async throws {
      // Checked here, not in validate(), which runs before the parser reports
      // an unknown option: a mistyped `--polcy FILE` leaves FILE among the kmaps.
      if !kmaps.isEmpty, symbols == nil { throw ValidationError("Kmaps need --symbols.") }
      let settings = try policy.map(PolicyLoader.load) ?? Policy()
      let repo = try repository.open()
      let headCommit = try repo.resolve(repository.rev)
      let snapshots = try store.open(repository: repo)
      try Workload.validate(workload, store: snapshots.name)

      var head: Snapshot
      if let symbols, !kmaps.isEmpty {
        let files = try EvidenceFiles.read(
          layouts: evidence.layouts, config: evidence.config, cmdline: evidence.cmdline, ptdump: evidence.ptdump,
          dmesg: evidence.dmesg, vmlinux: LoadedSymbols.isELF(path: symbols) ? symbols : nil,
          configAtCommit: evidence.configPath.map { ($0, repo, headCommit) }
        ).files
        head = try await Recording.snapshot(
          runs: try RunInputs.group(kmaps), symbols: symbols, stripPrefixes: [], workload: workload, format: nil, lenient: false, jobs: nil)
        head.evidence = files
        try Recording.key(&head, to: headCommit, in: repo)
        if record {
          head = try Recording.store(head, commit: headCommit, workload: workload, replace: false, into: snapshots)
          Terminal.note("recorded \(workload) at \(head.metadata.commit?.describe ?? headCommit.hex) in \(snapshots.name)")
        }
      } else {
        guard let stored = try snapshots.snapshot(commit: headCommit.hex, workload: workload) else {
          throw CommandFailure(
            "No snapshot of workload '\(workload)' at \(repository.rev) (\(headCommit.abbreviated())) in \(snapshots.name): give its kmaps and --symbols.")
        }
        head = stored
      }

      let upstreamCommit = try upstream.map { try repo.resolve($0) }
      var rules = settings.drift
      let base: Snapshot
      if self.base != "auto" {
        let commit = try repo.resolve(self.base)
        guard let named = try snapshots.snapshot(commit: commit.hex, workload: workload) else {
          throw CommandFailure(
            "No snapshot of workload '\(workload)' at \(self.base) (\(commit.abbreviated())) in \(snapshots.name), named by --base; record one with 'capdiff record --repo \(repository.repo) --rev \(self.base) --workload \(workload) --symbols … KMAP'.")
        }
        Terminal.note("baseline: \(named.metadata.commit?.describe ?? commit.hex) (--base)")
        base = named
      } else if let found = try BaselineFinder.find(
        head: headCommit, workload: workload, upstream: upstreamCommit, in: repo, store: snapshots),
        let snapshot = try snapshots.snapshot(commit: found.commit.hex, workload: workload)
      {
        Terminal.note(
          "baseline: \(snapshot.metadata.commit?.describe ?? found.commit.hex) (\(found.placement(head: repository.rev, upstream: upstream)))")
        base = snapshot
      } else {
        let advice =
          "no snapshot of workload '\(workload)' on the first-parent history of \(repository.rev)\(upstream.map { " or at its merge-base with \($0)" } ?? ""); record one with 'capdiff record --repo \(repository.repo) --rev <base> --workload \(workload) --symbols … KMAP'"
        switch noBaseline {
        case nil:
          Terminal.error("\(snapshots.name): error: \(advice), or choose --no-baseline pass|fail|allowlist")
          throw ExitCode(1)
        case .pass:
          Terminal.note("\(advice); --no-baseline pass: the gate passes")
          return
        case .fail:
          Terminal.error("\(advice); --no-baseline fail: the gate fails")
          throw ExitCode(8)
        case .allowlist:
          Terminal.note("\(advice); --no-baseline allowlist: head is judged against the policy's allow rules alone")
          rules.defaultDeny = true
          var empty = head.metadata
          empty.commit = nil
          base = Snapshot(metadata: empty, runs: [], subjects: [], sites: [], edges: [])
        }
      }

      let comparison = try Comparison(
        base: base, head: head, repository: repo, scheme: scheme?.scheme ?? settings.scheme ?? .maintainers,
        policy: settings, rules: rules, granularity: granularity.granularity)
      var options = reports
      if options.out == nil {
        let describe = head.metadata.commit?.describe ?? headCommit.hex
        options.out = "reports/\(describe.replacingOccurrences(of: "/", with: "_"))"
      }
      let written = try options.write { comparison.reportInput(sourceURL: options.sourceURL) }
      Terminal.output(FindingsText.render(comparison.document, command: "gate", verbose: verbose, reportPath: written))
      if comparison.document.exitStatus != 0 { throw ExitCode(comparison.document.exitStatus) }
    }
  }
}
