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
          capdiff baseline --repo ~/src/linux --workload ltp \\
              --upstream origin/master my-branch
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
      let line = "\(baseline.commit.hex) \(describe) (\(baseline.placement(head: head, upstream: upstream)))"
      Terminal.output(line)
    }
  }
}

extension Baseline {
  /// Where the baseline lies from the head, as `baseline` and `gate` say it.
  func placement(head: String, upstream: String?) -> String {
    // A full commit id, as scripts and the demo give it, reads better short.
    let head = OID(hex: head)?.abbreviated() ?? head
    let upstream = upstream.map { OID(hex: $0)?.abbreviated() ?? $0 } ?? ""
    let before = "\(distance) commit\(distance == 1 ? "" : "s") before"
    switch route {
    case .mergeBase:
      return "the merge-base with \(upstream)"
    case .ancestor:
      let from = mergeBase.map { "the merge-base \($0.abbreviated()) with \(upstream)" } ?? head
      return "\(before) \(from) on its first-parent history"
    case .headInUpstream:
      return
        "\(before) \(head) on its first-parent history; \(head) is already in \(upstream), so it is its own merge-base, and its own snapshot is no baseline"
    }
  }
}
