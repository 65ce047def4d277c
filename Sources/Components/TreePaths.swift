import Input

/// The files of a kernel tree at one commit, for turning a build path that
/// kept a foreign prefix into the tree path it names.
public struct TreePaths: Sendable {
  private let paths: Set<String>
  private let directories: Set<String>

  public init(_ paths: [String]) {
    self.paths = Set(paths)
    var directories = Set<String>()
    for path in self.paths {
      // Walk the UTF-8 view: `/` is one byte, and Character indexing is slow.
      let utf8 = path.utf8
      var end = utf8.endIndex
      while let slash = utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
        guard directories.insert(String(path[..<slash])).inserted else { break }
        end = slash
      }
    }
    self.directories = directories
  }

  public func contains(_ path: String) -> Bool { paths.contains(path) }

  public func isDirectory(_ path: String) -> Bool {
    directories.contains(path.hasSuffix("/") ? String(path.dropLast()) : path)
  }

  /// `path` itself when the tree has it; else the longest tree path in a
  /// directory that ends it, whole components (a build directory's prefix
  /// taken off: `/usr/src/linux-6.1/fs/ext4/inode.c`); else nil. A bare
  /// file name never matches: `arch/openrisc/Makefile` on a tree without it
  /// names a file the tree lacks, not the top-level Makefile.
  public func canonical(_ path: String) -> String? {
    if paths.contains(path) { return path }
    let path = path.lexicallyNormalized
    if paths.contains(path) { return path }
    let components = path.split(separator: "/")
    for start in components.indices.dropFirst() where components.count - start >= 2 {
      let suffix = components[start...].joined(separator: "/")
      if paths.contains(suffix) { return suffix }
    }
    return nil
  }
}
