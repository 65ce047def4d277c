public import Input

/// What attribution needs from a kernel tree at one commit: its paths and
/// its MAINTAINERS, however they were read.
public struct KernelTree: Sendable {
  public let paths: TreePaths
  public let maintainers: Maintainers?

  /// `maintainersText` is nil when the tree has no MAINTAINERS file.
  public init(paths: [String], maintainersText: String?, maintainersName: String) {
    let tree = TreePaths(paths)
    self.paths = tree
    maintainers = maintainersText.map { Maintainers(text: $0, file: maintainersName, isDirectory: tree.isDirectory) }
  }

  /// Problems found in MAINTAINERS.
  public var problems: [Diagnostic] { maintainers?.problems ?? [] }
}
