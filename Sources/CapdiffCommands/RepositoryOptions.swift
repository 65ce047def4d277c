import ArgumentParser
import Components
import Git

/// `--scheme` as typed on the command line.
struct SchemeArgument: ExpressibleByArgument {
  let scheme: ComponentScheme

  init?(argument: String) {
    guard let scheme = ComponentScheme(argument) else { return nil }
    self.scheme = scheme
  }

  static var defaultCompletionKind: CompletionKind { .list(["maintainers", "dirs:1", "dirs:2", "dirs:3"]) }
}

/// `--repo` and `--rev`: which kernel tree, at which commit. Optional, so
/// that a command can tell a commit named from none (record --out).
struct RepositoryOptions: ParsableArguments {
  @Option(
    name: .customLong("repo"),
    help: "The kernel git repository (bare, non-bare or shallow). (default: the one holding the current directory)")
  var givenRepo: String?

  @Option(
    name: .customLong("rev"), help: "The commit: a tag, branch, HEAD~3 or (abbreviated) commit id. (default: HEAD)")
  var givenRev: String?

  var repo: String { givenRepo ?? "." }
  var rev: String { givenRev ?? "HEAD" }
  /// Whether the command line names a repository or a commit.
  var namesCommit: Bool { givenRepo != nil || givenRev != nil }

  func open() throws -> Repository { try Repository(opening: repo) }
}

/// `--scheme`: how files group into components.
struct SchemeOptions: ParsableArguments {
  @Option(help: "Component scheme: maintainers (the MAINTAINERS subsystem at the commit) or dirs:N (directory prefix of depth N).")
  var scheme: SchemeArgument?

  /// The command line's scheme, else the policy's, else MAINTAINERS.
  func resolved(policy: ComponentScheme?) -> ComponentScheme { scheme?.scheme ?? policy ?? .maintainers }
}

extension Repository {
  /// The repository holding the current directory, when there is one and it
  /// has every commit of `commits`: what a command that can do without a
  /// tree (dirs:N) reads paths through when no repository is named.
  static func here(holding commits: [OID]) -> Repository? {
    guard let here = try? Repository(opening: "."), commits.allSatisfy({ (try? here.commit($0)) != nil }) else { return nil }
    return here
  }
}
