extension Snapshot {
  /// The snapshot with the source paths of its subjects and sites read
  /// through `renames` (old path → new path), so that an older snapshot is
  /// attributed under a later tree's names and a moved file is not drift.
  public func renamingFiles(_ renames: [String: String]) -> Snapshot {
    guard !renames.isEmpty else { return self }
    var renamed = self
    renamed.subjects = subjects.map { var s = $0; s.file = s.file.map { renames[$0] ?? $0 }; return s }
    renamed.sites = sites.map { var s = $0; s.file = s.file.map { renames[$0] ?? $0 }; return s }
    return renamed
  }
}
