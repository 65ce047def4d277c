import Input

/// Turns the source paths a build recorded in DWARF into paths relative to
/// the kernel tree (`fs/ext4/inode.c`).
///
/// Builds record paths three ways: relative to the tree already; absolute
/// under the source root (`/build/reproducible-path/linux-6.1.170/…`); or
/// joined to an out-of-tree build directory (`debian/build/build_amd64_…/…`).
public struct SourcePathReducer: Sendable {
  /// Prefixes the user asked to strip, tried first.
  public var stripPrefixes: [String]
  /// The source root most compilation units share, if one was found.
  public var detectedRoot: String?

  /// Top-level directories of a kernel tree: what follows the source root.
  static let topLevel: Set<Substring> = [
    "arch", "block", "certs", "crypto", "drivers", "fs", "include", "init", "io_uring", "ipc",
    "kernel", "lib", "mm", "net", "rust", "samples", "scripts", "security", "sound", "tools",
    "usr", "virt",
  ]

  public init(stripPrefixes: [String], detectedRoot: String?) {
    self.stripPrefixes = stripPrefixes.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    self.detectedRoot = detectedRoot
  }

  /// The directory under which the most absolute `paths` continue with a
  /// kernel top-level directory, e.g. `/build/reproducible-path/linux-6.1.170/`.
  /// Every such directory of a path has its vote, and of equally voted ones
  /// the longest wins: under `/usr/src/linux-6.1/` every path also continues
  /// from `/` with `usr`, a top-level directory of the kernel too. But a
  /// directory of the tree itself (`arch/x86/`, whose `kernel/` and `lib/`
  /// are top-level names as well) never outvotes the root it is under.
  public static func detectRoot(_ paths: [String]) -> String? {
    var votes: [String: Int] = [:]
    for path in paths where path.hasPrefix("/") {
      for root in rootsBeforeTopLevel(path) { votes[root, default: 0] += 1 }
    }
    let treeDirectories: [Substring] = ["arch", "drivers", "tools"]
    let roots = votes.filter { root, _ in
      !votes.keys.contains { other in
        other.count < root.count && root.hasPrefix(other)
          && treeDirectories.contains(root.dropFirst(other.count).prefix { $0 != "/" })
      }
    }
    return roots.max { ($0.value, $0.key.count, $1.key) < ($1.value, $1.key.count, $0.key) }?.key
  }

  /// The tree-relative form of `path`, a compilation unit's or a line
  /// table's. A tree under review names its own files: terminal controls in
  /// a name are shown as `\xNN`, never printed.
  public func reduce(_ path: String, compilationDirectory: String?) -> String {
    escapingControls(relative(path, compilationDirectory: compilationDirectory))
  }

  private func relative(_ path: String, compilationDirectory: String?) -> String {
    var path = path
    if !path.hasPrefix("/"), let directory = compilationDirectory, path.hasPrefix("../") {
      path = directory + "/" + path
    }
    path = path.lexicallyNormalized
    for prefix in stripPrefixes where path.hasPrefix(prefix) {
      return String(path.dropFirst(prefix.count))
    }
    if let directory = compilationDirectory?.lexicallyNormalized, !directory.isEmpty,
      path.hasPrefix(directory + "/")
    {
      let rest = String(path.dropFirst(directory.count + 1))
      // An out-of-tree build directory holds generated files only; a path
      // under it that continues into the tree names a tree file.
      if let first = rest.split(separator: "/").first, Self.topLevel.contains(first) || !path.hasPrefix("/") {
        return rest
      }
    }
    if let root = detectedRoot, path.hasPrefix(root) {
      return String(path.dropFirst(root.count))
    }
    return path
  }

  private static func rootsBeforeTopLevel(_ path: String) -> Set<String> {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    // At least a file after the top-level directory (usr/gen_init_cpio.c).
    guard parts.count >= 3 else { return [] }
    return Set((1..<(parts.count - 1)).filter { topLevel.contains(parts[$0]) }.map { parts[..<$0].joined(separator: "/") + "/" })
  }

}
