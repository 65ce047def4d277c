import CapdiffTestSupport
import Foundation
import Git
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct StoreCommandTests {
  /// A kmap whose objects differ by `seed`, so that each is a new run.
  func kmap(seed: Int, objects: Int = 2) -> String {
    (0..<objects).map { index in
      "ffffffff81480010,\(seed),ffff888005c2\(String(format: "%04x", index)),2048,\(index),0,0,KMEM_CACHE,sshd,TCP,\n  ffffffff81480c10,1,\(seed + 1),1\n  ffffffff810a1010,0,1,1\n"
    }.joined()
  }

  @Test func recordIntoTheStoreAndFindItByRevision() throws {
    let kernel = try KernelRepository()
    let symbols = try kernel.directory.write("System.map", map)
    let store = "\(kernel.directory.path)/baselines"
    let first = try kernel.directory.write("run1.kmap", kmap(seed: 1))
    let second = try kernel.directory.write("run2.kmap", kmap(seed: 2))
    let record = { (rev: String, file: String) in
      try run(capdiff, ["record", "--repo", kernel.path, "--rev", rev, "--store", store, "--symbols", symbols, "--workload", "ltp", file])
    }
    let one = try record("v6.1", first)
    #expect(one.status == 0, "\(one.standardError)")
    #expect(one.standardError == "recorded ltp at v6.1 (\(kernel.first.abbreviated())) in \(store): 1 run, 2 edges\n")
    #expect(try record("v6.1", second).standardError.contains(": 2 runs, 2 edges"))
    let again = try record("v6.1", second)
    #expect(again.status == 1)
    // The digest is the one `xxhsum -H2` prints for the file.
    let xxhsum = try run("/usr/bin/xxhsum", ["-H2", second])
    let digest = try #require(xxhsum.standardOutput.split(separator: " ").first)
    #expect(again.standardError.hasPrefix("\(store): error: this kmap is already recorded for ltp at \(kernel.first.abbreviated()) (xxh128:\(digest))"))
    // Its compressed copy is the same input.
    #expect(try run("/usr/bin/gzip", ["-k", second]).status == 0)
    let compressed = try record("v6.1", "\(second).gz")
    #expect(compressed.status == 1)
    #expect(compressed.standardError.contains("this kmap is already recorded for ltp at \(kernel.first.abbreviated()) (xxh128:\(digest))"))
    // A run symbolized from another kind of source would name its subjects apart.
    let kallsyms = try kernel.directory.write("kallsyms", map)
    let third = try kernel.directory.write("run3.kmap", kmap(seed: 3))
    let mixed = try run(
      capdiff, ["record", "--repo", kernel.path, "--rev", "v6.1", "--store", store, "--symbols", kallsyms, "--workload", "ltp", third])
    #expect(mixed.status == 1)
    #expect(
      mixed.standardError.contains(
        "the runs stored for ltp at \(kernel.first.abbreviated()) were symbolized with System.map and this one with kallsyms"))
    let show = try run(capdiff, ["show", "--repo", kernel.path, "--store", store, "--format", "json", "v6.1"])
    #expect(show.status == 0, "\(show.standardError)")
    let summary = try #require(JSONSerialization.jsonObject(with: Data(show.standardOutput.utf8)) as? [String: Any])
    #expect(summary["runs"] as? Int == 2)
    // Components come from the snapshot's own commit, not HEAD's.
    #expect((summary["componentGraph"] as? [String: Any])?["commit"] as? String == "v6.1")
    let commit = try #require(summary["commit"] as? [String: Any])
    #expect(commit["oid"] as? String == kernel.first.hex)
    #expect(commit["describe"] as? String == "v6.1")
    #expect(commit["kernelVersion"] as? String == "6.1")
    let baseline = try run(capdiff, ["baseline", "--repo", kernel.path, "--store", store, "--workload", "ltp", "HEAD"])
    #expect(baseline.standardOutput == "\(kernel.first.hex) v6.1 (1 commit before HEAD on its first-parent history)\n")
    let none = try run(capdiff, ["baseline", "--repo", kernel.path, "--store", store, "--workload", "boot", "HEAD"])
    #expect(none.status == 1)
    let bad = try record("v6.1", "/dev/null")
    #expect(bad.status == 1)
    let escape = try run(capdiff, ["record", "--repo", kernel.path, "--store", store, "--symbols", symbols, "--workload", "../../etc", first])
    #expect(escape.status == 1)
    #expect(escape.standardError.contains("workload name '../../etc' contains a path separator"))
    // A damaged snapshot is listed as damaged; verify says why, with exit status 1.
    try Data("CAPMAP garbage".utf8).write(to: URL(fileURLWithPath: "\(store)/\(kernel.first.hex)/ltp.capmap"))
    let listed = try run(capdiff, ["store", "ls", "--repo", kernel.path, "--store", store])
    #expect(listed.standardOutput.contains(" ltp              damaged (capdiff store verify says why) "), "\(listed.standardOutput)")
    let entries = try run(capdiff, ["store", "ls", "--repo", kernel.path, "--store", store, "--format", "json"])
    #expect((try JSONSerialization.jsonObject(with: Data(entries.standardOutput.utf8)) as? [[String: Any]])?.first?["damaged"] as? Bool == true)
    #expect(try run(capdiff, ["store", "verify", "--repo", kernel.path, "--store", store]).status == 1)
  }

  @Test func twoRecordersAtOnceBothLand() throws {
    let kernel = try KernelRepository()
    let symbols = try kernel.directory.write("System.map", map)
    for store in ["\(kernel.directory.path)/baselines", "git-notes"] {
      let processes = try (1...2).map { seed -> Process in
        let file = try kernel.directory.write("c\(seed).kmap", kmap(seed: seed * 10 + store.count, objects: 300))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: capdiff)
        process.arguments = ["record", "--repo", kernel.path, "--rev", "v6.1", "--store", store, "--symbols", symbols, "--workload", "ltp", file]
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
      }
      processes.forEach { $0.waitUntilExit() }
      #expect(processes.map(\.terminationStatus) == [0, 0])
      let list = try run(capdiff, ["store", "ls", "--repo", kernel.path, "--store", store, "--format", "json"])
      let entries = try #require(JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
      #expect(entries.count == 1)
      #expect(entries.first?["runs"] as? Int == 2, "store \(store)")
    }
  }

  @Test func aKilledWriteLeavesTheOldOrTheWholeNewSnapshot() throws {
    let kernel = try KernelRepository()
    let symbols = try kernel.directory.write("System.map", map)
    let store = "\(kernel.directory.path)/baselines"
    let base = try kernel.directory.write("base.kmap", kmap(seed: 0))
    #expect(try run(capdiff, ["record", "--repo", kernel.path, "--rev", "v6.1", "--store", store, "--symbols", symbols, "--workload", "ltp", base]).status == 0)
    var runs = 1
    for attempt in 1...8 {
      let file = try kernel.directory.write("k\(attempt).kmap", kmap(seed: attempt, objects: 20_000))
      let process = Process()
      process.executableURL = URL(fileURLWithPath: capdiff)
      process.arguments = ["record", "--repo", kernel.path, "--rev", "v6.1", "--store", store, "--symbols", symbols, "--workload", "ltp", file]
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32(attempt * 60_000))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let verify = try run(capdiff, ["store", "verify", "--repo", kernel.path, "--store", store])
      #expect(verify.status == 0, "attempt \(attempt): \(verify.standardError)")
      let list = try run(capdiff, ["store", "ls", "--repo", kernel.path, "--store", store, "--format", "json"])
      let entries = try #require(JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
      let now = try #require(entries.first?["runs"] as? Int)
      // Either the kill came first (runs unchanged) or the whole new run landed.
      #expect(now == runs || now == runs + 1, "attempt \(attempt)")
      runs = now
    }
  }

  @Test func exportAndImportBetweenStores() throws {
    let kernel = try KernelRepository()
    let symbols = try kernel.directory.write("System.map", map)
    let store = "\(kernel.directory.path)/baselines"
    let archive = "\(kernel.directory.path)/all.capstore"
    func record(seed: Int, into target: String) throws -> Int32 {
      let file = try kernel.directory.write("r\(seed).kmap", kmap(seed: seed))
      return try run(
        capdiff, ["record", "--repo", kernel.path, "--rev", "HEAD", "--store", target, "--symbols", symbols, "--workload", "boot", file]
      ).status
    }
    func exportThenImport() throws -> ProcessResult {
      #expect(try run(capdiff, ["store", "export", "--repo", kernel.path, "--store", store, archive]).status == 0)
      return try run(capdiff, ["store", "import", "--repo", kernel.path, "--store", "git-notes", archive])
    }
    func notes() throws -> [[String: Any]] {
      let listed = try run(capdiff, ["store", "ls", "--repo", kernel.path, "--store", "git-notes", "--format", "json"])
      return try #require(JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
    }
    #expect(try record(seed: 5, into: store) == 0)
    #expect(try exportThenImport().status == 0)
    #expect(try notes().map { $0["commit"] as? String } == [kernel.second.hex])
    // Importing the same runs again adds nothing.
    let again = try run(capdiff, ["store", "import", "--repo", kernel.path, "--store", "git-notes", archive])
    #expect(again.status == 0)
    #expect(again.standardError == "copied 0 snapshots into \(kernel.path) (refs/notes/capdiff); 1 was there already, with the same runs\n")
    #expect(try notes().first?["runs"] as? Int == 1)
    // A store holding one of the archive's runs takes the archive's snapshot, which holds it too.
    #expect(try record(seed: 6, into: store) == 0)
    #expect(try exportThenImport().status == 0)
    #expect(try notes().first?["runs"] as? Int == 2)
    // Runs shared but each side with others: no merge would count them once.
    #expect(try record(seed: 7, into: "git-notes") == 0)
    #expect(try record(seed: 8, into: store) == 0)
    let overlapping = try exportThenImport()
    #expect(overlapping.status == 1)
    #expect(
      overlapping.standardError.contains(
        "share 2 runs but each has others; merged, the shared runs would count twice: import with --replace to keep the imported one"))
    // Refused whole: the store is as it was.
    #expect(try notes().first?["runs"] as? Int == 3)
    // The git notes are git's own: git lists them.
    let listed = try run("/usr/bin/git", ["-C", kernel.path, "notes", "--ref", "capdiff", "list"])
    #expect(listed.standardOutput.hasSuffix(" \(kernel.second.hex)\n"))
    // A damaged snapshot is named at export, and no archive is written.
    let file = "\(store)/\(kernel.second.hex)/boot.capmap"
    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
    try Data(bytes.dropLast(10)).write(to: URL(fileURLWithPath: file))
    let damaged = "\(kernel.directory.path)/damaged.capstore"
    let export = try run(capdiff, ["store", "export", "--repo", kernel.path, "--store", store, damaged])
    #expect(export.status == 1)
    #expect(export.standardError.contains("snapshot is truncated or has trailing bytes (length mismatch)"), "\(export.standardError)")
    #expect(!FileManager.default.fileExists(atPath: damaged))
  }
}
