internal import CGit2

/// Who and when, for commits this tool writes (test fixtures, the sample history).
public struct Signature: Sendable {
  public var name: String
  public var email: String
  public var time: Int64
  public var timeZoneMinutes: Int

  public init(name: String, email: String, time: Int64, timeZoneMinutes: Int = 0) {
    self.name = name
    self.email = email
    self.time = time
    self.timeZoneMinutes = timeZoneMinutes
  }
}

extension Repository {
  /// Creates an empty repository at `path`.
  public static func create(at path: String, bare: Bool = false) throws(GitError) -> Repository {
    git_libgit2_init()
    var repository: OpaquePointer?
    try gitCheck(git_repository_init(&repository, path, bare ? 1 : 0), "git_repository_init", repository: path, context: "cannot create a repository")
    return Repository(handle: repository!, path: path)
  }

  /// Writes a commit whose tree holds exactly `files` (path → bytes), with
  /// `parents`, and points `reference` (e.g. `refs/heads/main`, or `HEAD`) at it.
  public func commit(
    files: [String: [UInt8]], message: String, parents: [OID], signature: Signature,
    updating reference: String? = "HEAD"
  ) throws(GitError) -> OID {
    let tree = try writeTree(files)
    return try writeCommit(tree: tree, parents: parents, message: message, signature: signature, updating: reference)
  }

  /// Writes a commit of `tree` with `parents`; moves `reference` when given.
  func writeCommit(
    tree: OID, parents: [OID], message: String, signature: Signature, updating reference: String? = nil
  ) throws(GitError) -> OID {
    var signaturePointer: UnsafeMutablePointer<git_signature>?
    try gitCheck(
      git_signature_new(&signaturePointer, signature.name, signature.email, signature.time, Int32(signature.timeZoneMinutes)),
      "git_signature_new", repository: path, context: "bad signature")
    defer { git_signature_free(signaturePointer) }
    var treeObject: OpaquePointer?
    var treeRaw = tree.raw
    try gitCheck(git_tree_lookup(&treeObject, handle, &treeRaw), "git_tree_lookup", repository: path, context: "tree")
    defer { git_tree_free(treeObject) }
    var parentCommits: [OpaquePointer?] = []
    defer { parentCommits.forEach { git_commit_free($0) } }
    for parent in parents {
      var commit: OpaquePointer?
      var raw = parent.raw
      try gitCheck(git_commit_lookup(&commit, handle, &raw), "git_commit_lookup", repository: path, context: "no parent \(parent.hex)")
      parentCommits.append(commit)
    }
    var result = git_oid()
    let code = parentCommits.withUnsafeMutableBufferPointer { buffer in
      git_commit_create(
        &result, handle, reference, signaturePointer, signaturePointer, "UTF-8", message, treeObject,
        buffer.count, buffer.baseAddress)
    }
    try gitCheck(code, "git_commit_create", repository: path, context: "cannot write the commit")
    return OID(result)
  }

  /// Points `refs/tags/NAME` at `target` (a lightweight tag).
  public func tag(_ name: String, at target: OID) throws(GitError) {
    var object: OpaquePointer?
    var raw = target.raw
    try gitCheck(git_object_lookup(&object, handle, &raw, GIT_OBJECT_COMMIT), "git_object_lookup", repository: path, context: "no commit \(target.hex)")
    defer { git_object_free(object) }
    var result = git_oid()
    try gitCheck(git_tag_create_lightweight(&result, handle, name, object, 1), "git_tag_create_lightweight", repository: path, context: "cannot tag \(name)")
  }

  /// Points a branch reference at `target`.
  public func setReference(_ name: String, to target: OID) throws(GitError) {
    var reference: OpaquePointer?
    var raw = target.raw
    try gitCheck(git_reference_create(&reference, handle, name, &raw, 1, nil), "git_reference_create", repository: path, context: "cannot set \(name)")
    git_reference_free(reference)
  }

  private func writeTree(_ files: [String: [UInt8]]) throws(GitError) -> OID {
    // Group by first component: files here, subdirectories recursively.
    var here: [String: [UInt8]] = [:]
    var below: [String: [String: [UInt8]]] = [:]
    for (path, bytes) in files {
      if let slash = path.firstIndex(of: "/") {
        below[String(path[..<slash]), default: [:]][String(path[path.index(after: slash)...])] = bytes
      } else {
        here[path] = bytes
      }
    }
    var builder: OpaquePointer?
    try gitCheck(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new", repository: path, context: "tree")
    defer { git_treebuilder_free(builder) }
    for (name, bytes) in here {
      var blob = git_oid()
      let code = bytes.withUnsafeBytes { git_blob_create_from_buffer(&blob, handle, $0.baseAddress, $0.count) }
      try gitCheck(code, "git_blob_create_from_buffer", repository: path, context: "cannot write \(name)")
      try gitCheck(git_treebuilder_insert(nil, builder, name, &blob, GIT_FILEMODE_BLOB), "git_treebuilder_insert", repository: path, context: name)
    }
    for (name, subtree) in below {
      var oid = try writeTree(subtree).raw
      try gitCheck(git_treebuilder_insert(nil, builder, name, &oid, GIT_FILEMODE_TREE), "git_treebuilder_insert", repository: path, context: name)
    }
    var result = git_oid()
    try gitCheck(git_treebuilder_write(&result, builder), "git_treebuilder_write", repository: path, context: "tree")
    return OID(result)
  }
}
