import CapdiffTestSupport
import Foundation
import Testing

@testable import Git

/// A small history built with libgit2:
///
///     A (v1.0) -- B -- C (main, renames fs/a.c -> fs/b.c)
///                  \
///                   D (topic) -- M (merge of C and D, tag v1.1)
struct History {
  let directory: TemporaryDirectory
  let repository: Repository
  let a, b, c, d, m: OID

  static let source = Array((0..<200).map { "int line\($0) = \($0);\n" }.joined().utf8)

  init(bare: Bool = false) throws {
    directory = try TemporaryDirectory()
    repository = try Repository.create(at: "\(directory.path)/linux", bare: bare)
    func sig(_ t: Int64) -> Signature { Signature(name: "Dev", email: "dev@example.org", time: 1_700_000_000 + t, timeZoneMinutes: 60) }
    let base: [String: [UInt8]] = ["MAINTAINERS": Array("EXT4\nF:\tfs/\n".utf8), "fs/a.c": Self.source, "Makefile": Array("VERSION = 6\n".utf8)]
    a = try repository.commit(files: base, message: "Initial\n\nBody text.", parents: [], signature: sig(0))
    try repository.tag("v1.0", at: a)
    var next = base
    next["kernel/cred.c"] = Array("int x;\n".utf8)
    b = try repository.commit(files: next, message: "Add cred", parents: [a], signature: sig(10))
    var renamed = next
    renamed["fs/b.c"] = renamed.removeValue(forKey: "fs/a.c")
    c = try repository.commit(files: renamed, message: "Rename a.c to b.c", parents: [b], signature: sig(20))
    var topic = next
    topic["net/sock.c"] = Array("int s;\n".utf8)
    d = try repository.commit(files: topic, message: "Topic work", parents: [b], signature: sig(30), updating: "refs/heads/topic")
    var merged = renamed
    merged["net/sock.c"] = topic["net/sock.c"]
    m = try repository.commit(files: merged, message: "Merge topic", parents: [c, d], signature: sig(40))
    try repository.tag("v1.1", at: m)
  }
}

@Suite struct RepositoryTests {
  @Test func resolvesRevspecsToFullCommitIDs() throws {
    let h = try History()
    #expect(try h.repository.resolve("v1.0") == h.a)
    #expect(try h.repository.resolve("HEAD") == h.m)
    #expect(try h.repository.resolve("HEAD~1") == h.c)
    #expect(try h.repository.resolve("HEAD^2") == h.d)
    #expect(try h.repository.resolve("topic") == h.d)
    #expect(try h.repository.resolve(String(h.b.hex.prefix(10))) == h.b)
    #expect(try h.repository.resolve(h.c.hex) == h.c)
    #expect(throws: GitError.self) { try h.repository.resolve("v9.9") }
    do {
      _ = try h.repository.resolve("v9.9")
    } catch {
      #expect(error.kind == .notFound)
      #expect(error.description.hasPrefix("\(h.directory.path)/linux: error: unknown revision 'v9.9': "))
    }
  }

  @Test func describesLikeGitDescribeTags() throws {
    let h = try History()
    #expect(try h.repository.describe(h.a) == "v1.0")
    #expect(try h.repository.describe(h.c) == "v1.0-2-g\(h.c.abbreviated(12))")
    #expect(try h.repository.describe(h.m) == "v1.1")
  }

  @Test func commitInformation() throws {
    let h = try History()
    let info = try h.repository.commit(h.a)
    #expect(info.subject == "Initial")
    #expect(info.authorName == "Dev")
    #expect(info.authorEmail == "dev@example.org")
    #expect(info.date == 1_700_000_000)
    #expect(info.timeZoneMinutes == 60)
    #expect(try h.repository.commit(h.m).parents == [h.c, h.d])
  }

  @Test(arguments: [false, true])
  func readsFilesAtACommitWithoutCheckout(bare: Bool) throws {
    let h = try History(bare: bare)
    #expect(h.repository.isBare == bare)
    #expect(try h.repository.file("fs/a.c", at: h.b) == History.source)
    #expect(try h.repository.file("fs/a.c", at: h.c) == nil)
    #expect(try h.repository.file("fs", at: h.c) == nil)
    #expect(try h.repository.paths(at: h.m) == ["MAINTAINERS", "Makefile", "fs/b.c", "kernel/cred.c", "net/sock.c"])
  }

  @Test func mergeBaseFirstParentWalkAndRenames() throws {
    let h = try History()
    #expect(try h.repository.mergeBase(h.c, h.d) == h.b)
    var walked: [OID] = []
    try h.repository.walkFirstParents(from: h.m) { oid, distance in
      #expect(distance == walked.count)
      walked.append(oid)
      return true
    }
    #expect(walked == [h.m, h.c, h.b, h.a])
    #expect(try h.repository.renames(from: h.b, to: h.m) == [Rename(oldPath: "fs/a.c", newPath: "fs/b.c", similarity: 100)])
    #expect(try h.repository.renames(from: h.c, to: h.m) == [])
  }

  @Test func notARepository() throws {
    let directory = try TemporaryDirectory()
    #expect(throws: GitError(.notARepository, repository: directory.path, "not a git repository (nor inside one)")) {
      _ = try Repository(opening: directory.path)
    }
  }

  @Test func shallowCloneNamesTheFetchThatWouldHelp() throws {
    let h = try History()
    // libgit2 cannot make shallow clones; the fixture alone is made by git.
    let clone = "\(h.directory.path)/shallow"
    let result = try run("/usr/bin/git", ["clone", "-q", "--depth", "2", "file://\(h.directory.path)/linux", clone])
    #expect(result.status == 0, "\(result.standardError)")
    let repository = try Repository(opening: clone)
    #expect(repository.isShallow)
    var seen = 0
    #expect {
      try repository.walkFirstParents(from: h.m) { _, _ in
        seen += 1
        return true
      }
    } throws: { error in
      guard let error = error as? GitError else { return false }
      return error.kind == .shallow
        && error.message == "history ends at \(h.c.abbreviated()), 1 commit from \(h.m.abbreviated()): this is a shallow clone; 'git fetch --deepen=2' (or --unshallow) fetches more"
    }
    #expect(seen == 2)
    // Describing walks no further than the clone's history: a tag within
    // it names a commit, else its id does.
    #expect(try repository.describe(h.m) == "v1.1")
    #expect(try repository.describe(h.c) == h.c.abbreviated())
  }
}
