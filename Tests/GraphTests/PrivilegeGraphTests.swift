import Components
import Kmap
import Snapshot
import Testing

@testable import Graph

@Suite struct PrivilegeGraphTests {
  /// ext4 code writing a TCP socket, reading its own inodes, a stack page, and a kstrdup'ed string.
  let snapshot = Snapshot(
    metadata: SnapshotMetadata(workload: "w", toolVersion: "0.1.0", symbolSource: "vmlinux", symbolFile: "vmlinux", hasFileInformation: true),
    runs: [],
    subjects: [
      Subject(function: "ext4_file_write_iter", file: "fs/ext4/file.c", module: nil),
      Subject(function: "ext4_write_inode", file: "/build/linux/fs/ext4/inode.c", module: nil),
      Subject(function: "tcp_sendmsg", file: "net/ipv4/tcp.c", module: nil),
      Subject(function: "unknown+0xffffffffc0001000", file: nil, module: nil),
    ],
    sites: [
      ObjectSite(kind: .heap, name: "ext4_alloc_inode", file: "fs/ext4/super.c", allocType: .kmemCache, slab: "ext4_inode_cache"),
      ObjectSite(kind: .heap, name: "kstrdup", file: "mm/util.c", allocType: .kmalloc, slab: "kmalloc-16"),
      ObjectSite(kind: .heap, name: "sk_alloc", file: "net/core/sock.c", allocType: .kmemCache, slab: "TCP"),
      ObjectSite(kind: .pseudo, name: PseudoSite.stack, file: nil, allocType: .stackPage, slab: nil),
    ],
    edges: [
      Edge(subject: 0, site: 0, reads: 5, writes: 0, objects: 1, runs: 1, line: nil),
      Edge(subject: 0, site: 2, reads: 0, writes: 3, objects: 1, runs: 1, line: nil),
      Edge(subject: 1, site: 0, reads: 2, writes: 2, objects: 1, runs: 1, line: nil),
      Edge(subject: 1, site: 1, reads: 1, writes: 0, objects: 1, runs: 1, line: nil),
      Edge(subject: 2, site: 2, reads: 9, writes: 9, objects: 1, runs: 1, line: nil),
      Edge(subject: 3, site: 3, reads: 1, writes: 1, objects: 1, runs: 1, line: nil),
    ])

  /// Recorded with a System.map, subjects have no files: a policy rule on
  /// functions still places them, and nothing else does.
  @Test func functionRulesPlaceSubjectsWithoutFiles() {
    let map = ComponentMap(
      scheme: .directories(depth: 2), maintainers: nil,
      rules: [ComponentRule(.function(Glob("unknown+*")), component: "MODULES")])
    let graph = PrivilegeGraph(snapshot, map: map, tree: nil)
    #expect(graph.edges.contains { $0.subject == "MODULES" && $0.owner == "[stack]" })
    let plain = PrivilegeGraph(snapshot, map: ComponentMap(scheme: .directories(depth: 2), maintainers: nil), tree: nil)
    #expect(plain.edges.contains { $0.subject == PseudoComponent.unknown && $0.owner == "[stack]" })
  }

  /// Every report names an edge's rights through this one mapping.
  @Test func rightsFollowFromTheCounts() {
    #expect(Access(reads: 3, writes: 0) == .read)
    #expect(Access(reads: 0, writes: 1) == .write)
    #expect(Access(reads: 2, writes: 5) == .readWrite)
    // Listed by the kmap with no count: an access still, at the least a read.
    #expect(Access(reads: 0, writes: 0) == .read)
  }

  @Test func componentEdgesWithCrossComponentFirst() {
    let tree = TreePaths(["fs/ext4/file.c", "fs/ext4/inode.c", "fs/ext4/super.c", "net/ipv4/tcp.c", "net/core/sock.c", "mm/util.c"])
    let graph = PrivilegeGraph(snapshot, map: ComponentMap(scheme: .directories(depth: 2), maintainers: nil), tree: tree)
    let rows = graph.edges.map { "\($0.subject) -> \($0.owner) \($0.access.rawValue) r\($0.reads) w\($0.writes) f\($0.functions) s\($0.sites)" }
    #expect(
      rows == [
        "net/ipv4 -> net/core read-write r9 w9 f1 s1",
        "fs/ext4 -> net/core write r0 w3 f1 s1",
        "fs/ext4 -> fs/ext4 read-write r7 w2 f2 s1",
        "[unknown] -> [stack] read-write r1 w1 f1 s1",
        "fs/ext4 -> [shared allocator] read r1 w0 f1 s1",
      ])
    // Pseudo-components own nothing: an access to one crosses no boundary (DESIGN §2).
    #expect(graph.edges.filter(\.isCrossComponent).count == 2)
  }
}
