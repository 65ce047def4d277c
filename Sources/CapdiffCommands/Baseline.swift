import ArgumentParser
import Git
import Store

extension Capdiff {
  /// `capdiff baseline`: which stored snapshot a head is compared with.
  struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "baseline",
      abstract: "Find the baseline snapshot of a head: at the merge-base with --upstream, else the nearest first-parent ancestor that has one.",
      discussion: """
        Examples:
          capdiff baseline --repo ~/src/linux --workload ltp HEAD
          capdiff baseline --repo ~/src/linux --workload ltp --upstream origin/master my-branch
        """)

    @Option(help: "The kernel git repository.")
    var repo: String = "."

    @OptionGroup(title: "Store") var store: StoreOptions

    @Option(help: "Workload whose snapshots count.")
    var workload: String

    @Option(help: "Upstream reference: the baseline is the snapshot at the merge-base with it.")
    var upstream: String?

    @Argument(help: "The head revision.")
    var head: String = "HEAD"

    func run() throws {
      let repository = try Repository(opening: repo)
      let headCommit = try repository.resolve(head)
      let upstreamCommit = try upstream.map { try repository.resolve($0) }
      let snapshots = try store.open(repository: repository)
      try Workload.validate(workload, store: snapshots.name)
      guard
        let baseline = try BaselineFinder.find(
          head: headCommit, workload: workload, upstream: upstreamCommit, in: repository, store: snapshots)
      else {
        Terminal.error(
          "\(snapshots.name): error: no snapshot of workload '\(workload)' on the first-parent history of \(head); record one with 'capdiff record --repo \(repo) --rev <base> --workload \(workload) --symbols … KMAP'"
        )
        throw ExitCode(1)
      }
      let describe = try repository.describe(baseline.commit)
      var line = "\(baseline.commit.hex) \(describe)"
      switch baseline.route {
      case .mergeBase:
        line += " (the merge-base with \(upstream ?? ""))"
      case .ancestor:
        let from = baseline.mergeBase.map { "the merge-base \($0.abbreviated()) with \(upstream ?? "")" } ?? head
        line += " (\(baseline.distance) commit\(baseline.distance == 1 ? "" : "s") before \(from) on its first-parent history)"
      case .headInUpstream:
        line +=
          " (\(baseline.distance) commit\(baseline.distance == 1 ? "" : "s") before \(head) on its first-parent history; \(Baseline.headInUpstream(head: head, upstream: upstream ?? "")))"
      }
      Terminal.output(line)
    }
  }
}

extension Baseline {
  /// Why a head's merge-base was passed over, as `baseline` and `gate` say it.
  static func headInUpstream(head: String, upstream: String) -> String {
    "\(head) is already in \(upstream), so it is its own merge-base, and its own snapshot is no baseline"
  }
}
