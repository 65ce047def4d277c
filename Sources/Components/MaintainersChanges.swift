extension Maintainers {
  /// The `F:` patterns of each section, by section name.
  var patternsBySection: [String: [String]] {
    var result: [String: [String]] = [:]
    for file in files { result[entries[file.entry].name, default: []].append(file.pattern.text) }
    return result
  }

  /// What changed from `base` to `self`: sections added, removed or renamed
  /// (same patterns, new name), and which of `paths` moved to another
  /// subsystem. Information for the reader, never findings.
  public func changes(since base: Maintainers, paths: [String]) -> [String] {
    let old = base.patternsBySection
    let new = patternsBySection
    var removed = Set(old.keys).subtracting(new.keys)
    var added = Set(new.keys).subtracting(old.keys)
    var lines: [String] = []
    for name in removed.sorted() {
      if let renamed = added.sorted().first(where: { new[$0].map(Set.init) == old[name].map(Set.init) }) {
        lines.append("subsystem renamed: '\(name)' -> '\(renamed)'")
        removed.remove(name)
        added.remove(renamed)
      }
    }
    lines += removed.sorted().map { "subsystem removed: '\($0)'" }
    lines += added.sorted().map { "subsystem added: '\($0)'" }
    for path in Set(paths).sorted() {
      guard let before = base.subsystems(of: path).first?.subsystem, let after = subsystems(of: path).first?.subsystem,
        before != after
      else { continue }
      lines.append("file moved: \(path) from '\(before)' to '\(after)'")
    }
    return lines
  }
}
