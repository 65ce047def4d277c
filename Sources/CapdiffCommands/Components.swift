import ArgumentParser
import Components
import Foundation
import Git
import Policy

extension Capdiff {
  /// `capdiff components`: which component owns each path, and why.
  struct ComponentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "components",
      abstract: "Show the component of kernel source paths at a commit, and the entry and pattern that decided it.",
      discussion: """
        With --scheme maintainers (the default) the answer is the subsystem \
        'scripts/get_maintainer.pl --subsystem' lists first for the path, read from \
        MAINTAINERS at that commit through libgit2; the others are secondary.

        Examples:
          capdiff components --repo ~/src/linux --rev v6.12 fs/ext4/inode.c \\
              net/ipv4/tcp.c
          capdiff components --repo ~/src/linux --scheme dirs:2 --format json \\
              drivers/net/tun.c
        """)

    @OptionGroup(title: "Kernel repository") var repository: RepositoryOptions
    @OptionGroup(title: "Components") var scheme: SchemeOptions

    @Option(help: "Policy file (capdiff.yml) whose component rules apply first.")
    var policy: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Argument(help: "Source paths relative to the kernel tree.")
    var paths: [String]

    func validate() throws {
      guard !paths.isEmpty else { throw ValidationError("Give at least one PATH.") }
    }

    func run() throws {
      let settings = try policy.map(PolicyLoader.load) ?? Policy()
      let chosen = scheme.resolved(policy: settings.scheme)
      // dirs:N needs no tree: with none named and none here, the paths are taken as written.
      var tree: KernelTree?
      if chosen.needsRepository || repository.namesCommit {
        let repo = try repository.open()
        tree = try KernelTree.load(from: repo, at: try repo.resolve(repository.rev), requireMaintainers: chosen.needsRepository)
      } else if let repo = Repository.here(holding: []), let head = try? repo.resolve(repository.rev) {
        tree = try KernelTree.load(from: repo, at: head, requireMaintainers: false)
      }
      tree?.problems.forEach(Terminal.diagnostic)
      let map = ComponentMap(
        scheme: chosen, maintainers: tree?.maintainers, rules: settings.componentRules,
        sharedAllocators: settings.sharedAllocators)
      let attributions = paths.map { path in
        var attribution = map.attribute(path: tree?.paths.canonical(path) ?? path)
        attribution.path = path
        return attribution
      }
      switch format {
      case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Terminal.output(String(decoding: try encoder.encode(attributions), as: UTF8.self))
      case .text:
        for a in attributions {
          var line = "\(a.path)\t\(a.component)"
          if let pattern = a.pattern {
            line += "\t(\(pattern)" + (a.line.map { ", MAINTAINERS line \($0)" } ?? "") + ")"
          }
          if !a.secondary.isEmpty { line += "\n\talso: " + a.secondary.joined(separator: "; ") }
          Terminal.output(line)
        }
      }
    }
  }
}
