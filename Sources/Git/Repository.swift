internal import CGit2

/// A commit's identity and the lines a reviewer reads.
public struct CommitInfo: Sendable, Equatable {
  public var oid: OID
  public var subject: String
  public var authorName: String
  public var authorEmail: String
  /// Seconds since the epoch, and the author's offset from UTC in minutes.
  public var date: Int64
  public var timeZoneMinutes: Int
  public var parents: [OID]
}

extension String {
  func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

/// A renamed (or copied) path between two commits.
public struct Rename: Sendable, Equatable {
  public var oldPath: String
  public var newPath: String
  /// libgit2's similarity score, 0–100.
  public var similarity: Int
}

/// A kernel git repository, opened through libgit2 (bare, non-bare or shallow).
///
/// Not `Sendable`: a libgit2 repository handle is used from one thread at a time.
public final class Repository {
  let handle: OpaquePointer
  /// The path as the user gave it, for messages.
  public let path: String

  /// Opens the repository at `path`, or the one containing it.
  public init(opening path: String) throws(GitError) {
    git_libgit2_init()
    var repository: OpaquePointer?
    let code = git_repository_open_ext(&repository, path, 0, nil)
    guard code == 0, let repository else {
      if code == GIT_ENOTFOUND.rawValue {
        throw GitError(.notARepository, repository: path, "not a git repository (nor inside one)")
      }
      throw gitError(code, "git_repository_open_ext", repository: path, context: "cannot open the repository")
    }
    handle = repository
    self.path = path
  }

  init(handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  deinit { git_repository_free(handle) }

  public var isBare: Bool { git_repository_is_bare(handle) == 1 }
  /// The `.git` directory (the repository itself when bare).
  public var gitDirectory: String {
    String(cString: git_repository_path(handle)).trimmingSuffix("/")
  }
  public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }
  /// The repository's own directory, shared by its linked work trees (whose
  /// `gitDirectory` is `.git/worktrees/NAME`): what tells one repository.
  public var commonDirectory: String {
    String(cString: git_repository_commondir(handle)).trimmingSuffix("/")
  }
  /// The top of the work tree, nil when bare.
  public var workTree: String? {
    git_repository_workdir(handle).map { String(cString: $0).trimmingSuffix("/") }
  }

  /// The commit a revspec names (tag, branch, `HEAD~3`, abbreviated OID…).
  public func resolve(_ revspec: String) throws(GitError) -> OID {
    var object: OpaquePointer?
    let code = git_revparse_single(&object, handle, revspec)
    guard code == 0, let object else {
      var error = gitError(code, "git_revparse_single", repository: path, context: "unknown revision '\(revspec)'")
      if isShallow, revspec.contains("~") || revspec.contains("^") {
        error.kind = .shallow
        error.message += "; this is a shallow clone, so '\(revspec)' may lie beyond its history: 'git fetch --deepen=N' (or --unshallow) fetches more"
      }
      throw error
    }
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
    guard peeled == 0, let commit else {
      throw gitError(peeled, "git_object_peel", repository: path, context: "'\(revspec)' does not name a commit")
    }
    defer { git_object_free(commit) }
    return OID(git_object_id(commit).pointee)
  }

  /// Subject, author, date and parents of `oid`.
  public func commit(_ oid: OID) throws(GitError) -> CommitInfo {
    try withCommit(oid) { commit in
      let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
      let author = git_commit_author(commit)!.pointee
      let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
        git_commit_parent_id(commit, index).map { OID($0.pointee) }
      }
      return CommitInfo(
        oid: oid, subject: summary, authorName: String(cString: author.name),
        authorEmail: String(cString: author.email), date: Int64(author.when.time),
        timeZoneMinutes: Int(author.when.offset), parents: parents)
    }
  }

  /// `git describe --tags --always`: the nearest tag, commits since, and the abbreviated id.
  public func describe(_ oid: OID) throws(GitError) -> String {
    try withCommit(oid) { commit throws(GitError) in
      var options = git_describe_options()
      git_describe_options_init(&options, UInt32(GIT_DESCRIBE_OPTIONS_VERSION))
      options.describe_strategy = GIT_DESCRIBE_TAGS.rawValue
      options.show_commit_oid_as_fallback = 1
      var result: OpaquePointer?
      let code = git_describe_commit(&result, commit, &options)
      // libgit2 walks parents a shallow clone lacks where git stops at the
      // graft: the commit is named by its id, as --always does without a tag.
      if code == GIT_ENOTFOUND.rawValue, isShallow { return oid.abbreviated() }
      try gitCheck(code, "git_describe_commit", repository: path, context: "cannot describe \(oid.abbreviated())")
      defer { git_describe_result_free(result) }
      var format = git_describe_format_options()
      git_describe_format_options_init(&format, UInt32(GIT_DESCRIBE_FORMAT_OPTIONS_VERSION))
      format.abbreviated_size = 12
      var buffer = git_buf()
      defer { git_buf_dispose(&buffer) }
      try gitCheck(
        git_describe_format(&buffer, result, &format), "git_describe_format", repository: path,
        context: "cannot describe \(oid.abbreviated())")
      return String(cString: buffer.ptr)
    }
  }

  /// The bytes of `file` at `commit`, without a checkout; nil when the commit has no such file.
  public func file(_ file: String, at oid: OID) throws(GitError) -> [UInt8]? {
    try withTree(oid) { tree throws(GitError) in
      var entry: OpaquePointer?
      let code = git_tree_entry_bypath(&entry, tree, file)
      if code == GIT_ENOTFOUND.rawValue { return nil }
      try gitCheck(code, "git_tree_entry_bypath", repository: path, context: "cannot read \(file) at \(oid.abbreviated())")
      defer { git_tree_entry_free(entry) }
      guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
      var blob: OpaquePointer?
      try gitCheck(
        git_blob_lookup(&blob, handle, git_tree_entry_id(entry)), "git_blob_lookup", repository: path,
        context: "cannot read \(file) at \(oid.abbreviated())")
      defer { git_blob_free(blob) }
      let size = Int(git_blob_rawsize(blob))
      guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
      return Array(UnsafeRawBufferPointer(start: content, count: size))
    }
  }

  /// Every file path of the tree at `commit`, sorted.
  public func paths(at oid: OID) throws(GitError) -> [String] {
    try withTree(oid) { tree throws(GitError) in
      final class Collector { var paths: [String] = [] }
      let collector = Collector()
      let code = git_tree_walk(
        tree, GIT_TREEWALK_PRE,
        { root, entry, payload in
          guard let entry, git_tree_entry_type(entry) == GIT_OBJECT_BLOB, let root, let payload else { return 0 }
          let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
          collector.paths.append(String(cString: root) + String(cString: git_tree_entry_name(entry)))
          return 0
        }, Unmanaged.passUnretained(collector).toOpaque())
      try gitCheck(code, "git_tree_walk", repository: path, context: "cannot list the tree of \(oid.abbreviated())")
      return collector.paths.sorted()
    }
  }

  /// The best common ancestor of `a` and `b`, nil when they share no history.
  public func mergeBase(_ a: OID, _ b: OID) throws(GitError) -> OID? {
    var result = git_oid()
    var left = a.raw
    var right = b.raw
    let code = git_merge_base(&result, handle, &left, &right)
    if code == GIT_ENOTFOUND.rawValue {
      if isShallow {
        throw GitError(
          .shallow, repository: path,
          "no merge base of \(a.abbreviated()) and \(b.abbreviated()) within this shallow clone's history; 'git fetch --deepen=N' (or --unshallow) fetches more"
        )
      }
      return nil
    }
    try gitCheck(code, "git_merge_base", repository: path, context: "cannot find the merge base of \(a.abbreviated()) and \(b.abbreviated())")
    return OID(result)
  }

  /// Walks first parents from `start` (included), calling `body` with each
  /// commit and its distance; `body` returns false to stop. Throws `.shallow`
  /// when the walk reaches the edge of a shallow clone before being stopped.
  public func walkFirstParents(from start: OID, _ body: (OID, Int) throws -> Bool) throws {
    var current = start
    var distance = 0
    while true {
      guard try body(current, distance) else { return }
      let parent: OID?? = try withCommit(current) { commit -> OID?? in
        guard git_commit_parentcount(commit) > 0, let id = git_commit_parent_id(commit, 0) else { return .some(nil) }
        return .some(OID(id.pointee))
      }
      guard let next = parent ?? nil else { return }
      if !hasObject(next) {
        throw GitError(
          .shallow, repository: path,
          "history ends at \(current.abbreviated()), \(distance) commit\(distance == 1 ? "" : "s") from \(start.abbreviated()): this is a shallow clone; 'git fetch --deepen=\(max(distance, 1) * 2)' (or --unshallow) fetches more"
        )
      }
      current = next
      distance += 1
    }
  }

  /// Paths renamed between two commits (tree-to-tree diff with libgit2's
  /// similarity detection, threshold 50%).
  public func renames(from old: OID, to new: OID) throws(GitError) -> [Rename] {
    try withTree(old) { oldTree throws(GitError) in
      try withTree(new) { newTree throws(GitError) in
        var diff: OpaquePointer?
        try gitCheck(
          git_diff_tree_to_tree(&diff, handle, oldTree, newTree, nil), "git_diff_tree_to_tree",
          repository: path, context: "cannot diff \(old.abbreviated())..\(new.abbreviated())")
        defer { git_diff_free(diff) }
        var options = git_diff_find_options()
        git_diff_find_options_init(&options, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
        options.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try gitCheck(
          git_diff_find_similar(diff, &options), "git_diff_find_similar", repository: path,
          context: "cannot find renames in \(old.abbreviated())..\(new.abbreviated())")
        var renames: [Rename] = []
        for index in 0..<git_diff_num_deltas(diff) {
          guard let delta = git_diff_get_delta(diff, index)?.pointee, delta.status == GIT_DELTA_RENAMED else {
            continue
          }
          renames.append(
            Rename(
              oldPath: String(cString: delta.old_file.path), newPath: String(cString: delta.new_file.path),
              similarity: Int(delta.similarity)))
        }
        return renames.sorted { ($0.oldPath, $0.newPath) < ($1.oldPath, $1.newPath) }
      }
    }
  }

  func hasObject(_ oid: OID) -> Bool {
    var odb: OpaquePointer?
    guard git_repository_odb(&odb, handle) == 0 else { return false }
    defer { git_odb_free(odb) }
    var raw = oid.raw
    return git_odb_exists(odb, &raw) == 1
  }

  func withCommit<T>(_ oid: OID, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
    var commit: OpaquePointer?
    var raw = oid.raw
    try gitCheck(git_commit_lookup(&commit, handle, &raw), "git_commit_lookup", repository: path, context: "no commit \(oid.hex)")
    defer { git_commit_free(commit) }
    return try body(commit!)
  }

  func withTree<T>(_ oid: OID, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
    try withCommit(oid) { commit throws(GitError) in
      var tree: OpaquePointer?
      try gitCheck(git_commit_tree(&tree, commit), "git_commit_tree", repository: path, context: "no tree for \(oid.abbreviated())")
      defer { git_tree_free(tree) }
      return try body(tree!)
    }
  }
}
