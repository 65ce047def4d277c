/// The files of a kernel tree at one commit, for turning a build path that
/// kept a foreign prefix into the tree path it names.
public struct TreePaths: Sendable {
  private let paths: Set<String>
  private let directories: Set<String>
  /// Each path's suffixes of one or more whole components → the path, when unique.
  private let bySuffix: [String: String?]

  public init(_ paths: [String]) {
    self.paths = Set(paths)
    var directories = Set<String>()
    var bySuffix: [String: String?] = [:]
    for path in paths {
      var index = path.startIndex
      while let slash = path[index...].firstIndex(of: "/") {
        directories.insert(String(path[..<slash]))
        index = path.index(after: slash)
        let suffix = String(path[index...])
        if let existing = bySuffix[suffix] {
          if existing != path { bySuffix[suffix] = .some(nil) }  // ambiguous
        } else {
          bySuffix[suffix] = .some(path)
        }
      }
    }
    self.directories = directories
    self.bySuffix = bySuffix
  }

  public func contains(_ path: String) -> Bool { paths.contains(path) }

  public func isDirectory(_ path: String) -> Bool {
    directories.contains(path.hasSuffix("/") ? String(path.dropLast()) : path)
  }

  /// `path` itself when the tree has it; else the tree path sharing its
  /// longest suffix of whole components, when exactly one does; else nil.
  public func canonical(_ path: String) -> String? {
    if paths.contains(path) { return path }
    var index = path.startIndex
    while let slash = path[index...].firstIndex(of: "/") {
      index = path.index(after: slash)
      let suffix = String(path[index...])
      if paths.contains(suffix) { return suffix }
      if let found = bySuffix[suffix] { return found }
    }
    return nil
  }
}
