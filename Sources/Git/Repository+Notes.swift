internal import CGit2

extension Repository {
  /// The bytes of the note `notesRef` attaches to `commit`, nil when none.
  /// Reads flat notes trees and git's fan-out (`ab/cdef…`) alike.
  public func note(_ notesRef: String, for commit: OID) throws(GitError) -> [UInt8]? {
    guard let notesCommit = try referenceTarget(notesRef) else { return nil }
    return try withTree(notesCommit) { tree throws(GitError) in
      let hex = commit.hex
      for path in [hex, "\(hex.prefix(2))/\(hex.dropFirst(2))", "\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex.dropFirst(4))"] {
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0 else { continue }
        defer { git_tree_entry_free(entry) }
        return try blobBytes(git_tree_entry_id(entry), context: "note of \(commit.abbreviated())")
      }
      return nil
    }
  }

  /// Every commit that `notesRef` annotates.
  public func notedCommits(_ notesRef: String) throws(GitError) -> [OID] {
    guard let notesCommit = try referenceTarget(notesRef) else { return [] }
    let paths = try self.paths(at: notesCommit)
    return paths.compactMap { OID(hex: String($0.filter { $0 != "/" })) }
  }

  /// Sets (or, with nil, removes) the note of `commit` under `notesRef`, as a
  /// new notes commit. The reference moves only if nobody moved it meanwhile;
  /// a concurrent writer makes this retry on top of the other's commit.
  public func setNote(
    _ notesRef: String, for commit: OID, bytes: [UInt8]?, message: String, signature: Signature
  ) throws(GitError) {
    while true {
      let parent = try referenceTarget(notesRef)
      var entries: [String: OID] = [:]
      if let parent {
        for path in try paths(at: parent) {
          guard let noted = OID(hex: String(path.filter { $0 != "/" })) else { continue }
          entries[noted.hex] = try withTree(parent) { tree throws(GitError) in
            var entry: OpaquePointer?
            try gitCheck(git_tree_entry_bypath(&entry, tree, path), "git_tree_entry_bypath", repository: self.path, context: "notes tree")
            defer { git_tree_entry_free(entry) }
            return OID(git_tree_entry_id(entry).pointee)
          }
        }
      }
      if let bytes {
        var blob = git_oid()
        let code = bytes.withUnsafeBytes { git_blob_create_from_buffer(&blob, handle, $0.baseAddress, $0.count) }
        try gitCheck(code, "git_blob_create_from_buffer", repository: path, context: "cannot write the note")
        entries[commit.hex] = OID(blob)
      } else {
        entries[commit.hex] = nil
      }
      let tree = try writeFlatTree(entries)
      let created = try writeCommit(tree: tree, parents: parent.map { [$0] } ?? [], message: message, signature: signature)
      var reference: OpaquePointer?
      var newID = created.raw
      let code: Int32
      if let parent {
        var oldID = parent.raw
        code = git_reference_create_matching(&reference, handle, notesRef, &newID, 1, &oldID, message)
      } else {
        code = git_reference_create(&reference, handle, notesRef, &newID, 0, message)
      }
      git_reference_free(reference)
      // Another writer moved the reference (or created it) first: start over from its commit.
      if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue { continue }
      try gitCheck(code, "git_reference_create_matching", repository: path, context: "cannot update \(notesRef)")
      return
    }
  }

  /// The commit a reference points at, nil when the reference does not exist.
  func referenceTarget(_ name: String) throws(GitError) -> OID? {
    var id = git_oid()
    let code = git_reference_name_to_id(&id, handle, name)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try gitCheck(code, "git_reference_name_to_id", repository: path, context: "cannot read \(name)")
    return OID(id)
  }

  func blobBytes(_ id: UnsafePointer<git_oid>?, context: String) throws(GitError) -> [UInt8] {
    var blob: OpaquePointer?
    try gitCheck(git_blob_lookup(&blob, handle, id), "git_blob_lookup", repository: path, context: context)
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: content, count: size))
  }

  private func writeFlatTree(_ entries: [String: OID]) throws(GitError) -> OID {
    var builder: OpaquePointer?
    try gitCheck(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new", repository: path, context: "notes tree")
    defer { git_treebuilder_free(builder) }
    for (name, id) in entries {
      var raw = id.raw
      try gitCheck(git_treebuilder_insert(nil, builder, name, &raw, GIT_FILEMODE_BLOB), "git_treebuilder_insert", repository: path, context: name)
    }
    var result = git_oid()
    try gitCheck(git_treebuilder_write(&result, builder), "git_treebuilder_write", repository: path, context: "notes tree")
    return OID(result)
  }
}
