public import Git
import Input

extension KernelTree {
  /// Reads the tree's paths and MAINTAINERS at `commit` through libgit2.
  /// Throws when `requireMaintainers` and the commit has no MAINTAINERS.
  public static func load(from repository: Repository, at commit: OID, requireMaintainers: Bool) throws -> KernelTree {
    let paths = try repository.paths(at: commit)
    let bytes = try repository.file("MAINTAINERS", at: commit)
    if bytes == nil, requireMaintainers {
      throw InputError(
        .io, file: "\(repository.path):MAINTAINERS",
        "no MAINTAINERS file at \(commit.abbreviated()); use --scheme dirs:N, or a commit of a kernel tree")
    }
    return KernelTree(
      paths: paths, maintainersText: bytes.map { String(decoding: $0, as: UTF8.self) },
      maintainersName: "MAINTAINERS@\(commit.abbreviated())")
  }
}
