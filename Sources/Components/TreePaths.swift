/// The files of a kernel tree at one commit, for turning a build path that
/// kept a foreign prefix into the tree path it names.
public struct TreePaths: Sendable {
  private let paths: Set<String>
  private let directories: Set<String>
  /// Tree paths by their last component.
  private let byName: [Substring: [String]]

  public init(_ paths: [String]) {
    self.paths = Set(paths)
    var directories = Set<String>()
    var byName: [Substring: [String]] = [:]
    byName.reserveCapacity(paths.count)
    for path in self.paths {
      // Walk the UTF-8 view: `/` is one byte, and Character indexing is slow.
      let utf8 = path.utf8
      let lastSlash = utf8.lastIndex(of: UInt8(ascii: "/"))
      byName[path[(lastSlash.map(utf8.index(after:)) ?? utf8.startIndex)...], default: []].append(path)
      var end = utf8.endIndex
      while let slash = utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
        guard directories.insert(String(path[..<slash])).inserted else { break }
        end = slash
      }
    }
    self.directories = directories
    self.byName = byName
  }

  public func contains(_ path: String) -> Bool { paths.contains(path) }

  public func isDirectory(_ path: String) -> Bool {
    directories.contains(path.hasSuffix("/") ? String(path.dropLast()) : path)
  }

  /// `path` itself when the tree has it; else the tree path sharing the
  /// longest suffix of whole components with it, when exactly one does; else nil.
  public func canonical(_ path: String) -> String? {
    if paths.contains(path) { return path }
    let components = path.split(separator: "/")
    guard let name = components.last, let candidates = byName[name] else { return nil }
    var best: [String] = []
    var bestLength = 0
    for candidate in candidates {
      let other = candidate.split(separator: "/")
      var shared = 0
      while shared < min(other.count, components.count),
        other[other.count - 1 - shared] == components[components.count - 1 - shared]
      {
        shared += 1
      }
      if shared > bestLength {
        best = [candidate]
        bestLength = shared
      } else if shared == bestLength {
        best.append(candidate)
      }
    }
    return best.count == 1 ? best[0] : nil
  }
}
