import CapdiffTestSupport
import Foundation
import Input
import Kmap
import Symbols
import Testing

@testable import Snapshot

let systemMap = """
  ffffffff81000000 T _text
  ffffffff810a1000 T commit_creds
  ffffffff810a1400 T prepare_creds
  ffffffff81320000 T ext4_file_write_iter
  ffffffff81320800 T ext4_alloc_inode
  ffffffff81480000 T sk_alloc
  ffffffff81480c00 T tcp_sendmsg
  ffffffff81a00000 T _etext
  ffffffff82000000 D init_task
  ffffffff82100000 B _end

  """

let kmap = """
  ffffffff810a1410,1,ffff888003a4c000,176,101,0,0,KMEM_CACHE,systemd,cred_jar,
    ffffffff810a1010,2,5,1
    ffffffff810a1020,1,1,1
    ffffffff81480c10,0,3,1
  ffffffff810a1410,1,ffff888003a4d000,176,102,0,0,KMEM_CACHE,systemd,cred_jar,
    ffffffff810a1010,1,0,1
  ffffffff81480010,733,ffff888005c20000,2048,103,0,0,KMEM_CACHE,sshd: root,[priv],TCP,
    ffffffff81480c10,3,8,733
    ffffffff81320010,1,0,733
  6,0,ffffffff82000100,8,105,0,0,GLOBAL,swapper/0,no-slab,
    ffffffff810a1010,1,1,0
  3,1,ffffc90000a3ff00,4096,106,0,0,STACK_PAGE,systemd,no-slab,
    ffffffff81320010,4,4,1
  feedbeef,0,ffff888000100000,512,107,0,deadbeef,GEN_HEAP,swapper/0,no-slab,
    ffffffff81320010,0,1,0
  1a,0,ffff888000200000,0,108,0,0,NONE,swapper/0,no-slab,
    from:ffffffffc0001000,0,1

  """

struct Fixture {
  let directory: TemporaryDirectory
  let symbols: LoadedSymbols

  init() throws {
    directory = try TemporaryDirectory()
    symbols = try LoadedSymbols(path: try directory.write("System.map", systemMap))
  }

  /// Writes a split kmap, each file under its header; returns its paths.
  func writeSplit(allocations: String, accesses: String) throws -> (allocations: String, accesses: String) {
    (
      try directory.write(
        "allocations", "alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type\n" + allocations),
      try directory.write("accesses", "alloc_index,access_ip,pid,writes,reads\n" + accesses)
    )
  }

  func record(_ runs: [RunInput], workers: Int = 2, lenient: Bool = false) async throws -> Snapshot {
    try await SnapshotRecorder.record(
      runs: runs, symbols: symbols,
      options: RecordOptions(
        workload: "ltp", toolVersion: "0.1.0", format: nil, lenient: lenient, workers: workers,
        chunkSize: 64 << 10))
  }
}

/// Edges as readable rows: subject -> site: reads/writes/objects/runs.
func rows(_ snapshot: Snapshot) -> [String] {
  snapshot.edges.map { edge in
    "\(snapshot.subjects[edge.subject].function) -> \(snapshot.sites[edge.site].label): r\(edge.reads) w\(edge.writes) o\(edge.objects) runs\(edge.runs)"
  }
}

@Suite struct RecordTests {
  @Test func aggregatesBySubjectFunctionAndObjectSite() async throws {
    let fixture = try Fixture()
    let path = try fixture.directory.write("kmap", kmap)
    let snapshot = try await fixture.record([.kmap(path)])
    #expect(
      rows(snapshot) == [
        "commit_creds -> prepare_creds [KMEM_CACHE, cred_jar]: r6 w4 o2 runs1",
        "commit_creds -> init_task [global]: r1 w1 o1 runs1",
        "ext4_file_write_iter -> sk_alloc [KMEM_CACHE, TCP]: r0 w1 o1 runs1",
        "ext4_file_write_iter -> [preallocated]: r1 w0 o1 runs1",
        "ext4_file_write_iter -> [stack]: r4 w4 o1 runs1",
        "tcp_sendmsg -> prepare_creds [KMEM_CACHE, cred_jar]: r3 w0 o1 runs1",
        "tcp_sendmsg -> sk_alloc [KMEM_CACHE, TCP]: r8 w3 o1 runs1",
        "unknown+0xffffffffc0001000 -> [untracked NONE]: r1 w0 o1 runs1",
      ])
    #expect(snapshot.runs.count == 1)
    #expect(snapshot.runs[0].inputs[0].objects == 7)
    #expect(snapshot.runs[0].inputs[0].accesses == 10)
    let summary = SnapshotSummary(snapshot)
    #expect(summary.unresolved.subjects == 1)
    #expect(summary.totals.reads == 24)
    #expect(summary.totals.writes == 13)
  }

  /// `new_alloc_type` is the type of the allocation that took the memory
  /// over (Memorizer's free_ip deadbeef/fedbeef), not this object's: a
  /// credential replaced by a stack page or a global is still a credential.
  @Test func aReplacedObjectKeepsItsOwnSite() async throws {
    let fixture = try Fixture()
    let path = try fixture.directory.write(
      "kmap",
      """
      ffffffff810a1410,1,ffff888003a4c000,176,101,102,00000000deadbeef,KMEM_CACHE,systemd,cred_jar,STACK_PAGE
        ffffffff810a1010,2,5,1
      ffffffff810a1410,1,ffff888003a4c000,176,102,103,000000000fedbeef,KMEM_CACHE,systemd,cred_jar,GLOBAL
        ffffffff810a1010,1,0,1

      """)
    let snapshot = try await fixture.record([.kmap(path)])
    #expect(rows(snapshot) == ["commit_creds -> prepare_creds [KMEM_CACHE, cred_jar]: r5 w3 o2 runs1"])
  }

  /// One global seen as defined and as untracked: two sites, told apart.
  @Test func anUntrackedGlobalIsNamedApart() async throws {
    let fixture = try Fixture()
    let path = try fixture.directory.write(
      "kmap",
      """
      6,0,ffffffff82000100,8,105,0,0,GLOBAL,swapper/0,no-slab,
        ffffffff810a1010,1,1,0
      18,0,ffffffff82000100,8,106,0,0,UFO_GLOBAL,swapper/0,no-slab,
        ffffffff810a1010,0,2,0

      """)
    let snapshot = try await fixture.record([.kmap(path)])
    #expect(
      rows(snapshot) == [
        "commit_creds -> init_task [global]: r1 w1 o1 runs1", "commit_creds -> init_task [UFO_GLOBAL]: r2 w0 o1 runs1",
      ])
  }

  /// A kernel built without CONFIG_MEMORIZER_STATS prints `(null)` for every
  /// type: sites are then told apart by allocating function and slab alone.
  @Test func typesPrintedAsNullLeaveSitesUntyped() async throws {
    let fixture = try Fixture()
    let path = try fixture.directory.write(
      "kmap",
      """
      ffffffff810a1410,1,ffff888003a4c000,176,101,0,0,(null),systemd,cred_jar,
        ffffffff810a1010,2,5,1
      ffffffff810a1410,1,ffff888003a4d000,176,102,103,00000000deadbeef,(null),systemd,cred_jar,(null)
        ffffffff810a1010,1,0,1
      6,0,ffffffff82000100,8,105,0,0,(null),swapper/0,no-slab,
        ffffffff810a1010,1,1,0
      3,1,ffffc90000a3ff00,4096,106,0,0,(null),systemd,no-slab,
        ffffffff81320010,4,4,1
      1a,0,ffff888000200000,0,108,0,0,(null),swapper/0,no-slab,
        from:ffffffffc0001000,0,1

      """)
    let snapshot = try await fixture.record([.kmap(path)])
    #expect(snapshot.runs[0].inputs[0].format == .current)
    // Small alloc_ips still tell globals (by their address), stacks and untracked objects apart.
    #expect(
      rows(snapshot) == [
        "commit_creds -> prepare_creds [type unknown, cred_jar]: r5 w3 o2 runs1",
        "commit_creds -> init_task [global]: r1 w1 o1 runs1",
        "ext4_file_write_iter -> [stack]: r4 w4 o1 runs1",
        "unknown+0xffffffffc0001000 -> [untracked NONE]: r1 w0 o1 runs1",
      ])
  }

  @Test func countsPastTwoToTheSixtyFourSaturateRatherThanWrap() async throws {
    // A wrapped sum of writes would turn a writer into a reader.
    let fixture = try Fixture()
    let path = try fixture.directory.write(
      "kmap",
      "ffffffff81480010,1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  ffffffff81480c10,18446744073709551615,1,1\n  ffffffff81480c20,1,1,1\n")
    let again = try fixture.directory.write("again", try String(contentsOfFile: path, encoding: .utf8) + "\n")
    let snapshot = try await fixture.record([.kmap(path), .kmap(again)])
    #expect(rows(snapshot) == ["tcp_sendmsg -> sk_alloc [KMEM_CACHE, TCP]: r4 w18446744073709551615 o2 runs2"])
    #expect(SnapshotSummary(snapshot).totals.writes == .max)
  }

  @Test func oneKmapGivenTwiceIsOneRunNotTwo() async throws {
    let fixture = try Fixture()
    let path = try fixture.directory.write("kmap", kmap)
    let copy = try fixture.directory.write("copy", kmap)
    await #expect(throws: InputError.self) { try await fixture.record([.kmap(path), .kmap(copy)]) }
    do {
      _ = try await fixture.record([.kmap(path), .kmap(copy)])
    } catch let error as InputError {
      #expect("\(error)".hasPrefix("\(copy): error: holds the same content as \(path) (xxh128:"))
    }
  }

  @Test func runsMergeAndCountWhereEachEdgeWasSeen() async throws {
    let fixture = try Fixture()
    let first = try fixture.directory.write("run1", kmap)
    let second = try fixture.directory.write(
      "run2.gz",
      try compress(
        Array("ffffffff81480010,1,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n  ffffffff81480c10,1,1,1\n".utf8),
        with: "gzip"))
    let snapshot = try await fixture.record([.kmap(first), .kmap(second)])
    #expect(rows(snapshot).contains("tcp_sendmsg -> sk_alloc [KMEM_CACHE, TCP]: r9 w4 o2 runs2"))
    #expect(rows(snapshot).contains("commit_creds -> init_task [global]: r1 w1 o1 runs1"))
  }

  @Test func splitKmapGivesTheSameSnapshotAsOneFile() async throws {
    let fixture = try Fixture()
    let single = try await fixture.record([.kmap(try fixture.directory.write("kmap", kmap))])
    // The same objects as allocations + accesses, joined on the allocation index.
    var allocations = ""
    var accesses = ""
    var index = ""
    for line in kmap.split(separator: "\n") {
      if line.hasPrefix("  ") {
        var fields = line.trimmingPrefix("  ").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if fields[0].hasPrefix("from:") {
          fields[0].removeFirst(5)
          fields.append("0")
          fields = [fields[0], fields[1], fields[2], fields[3]]
          accesses += "\(index),\(fields[0]),0,\(fields[1]),\(fields[2])\n"
        } else {
          accesses += "\(index),\(fields[0]),\(fields[3]),\(fields[1]),\(fields[2])\n"
        }
      } else {
        allocations += line + "\n"
        index = String(line.split(separator: ",")[4])
      }
    }
    let files = try fixture.writeSplit(allocations: allocations, accesses: accesses)
    let split = try await fixture.record([.split(allocations: files.allocations, accesses: files.accesses)])
    #expect(rows(split) == rows(single))
  }

  @Test func anAllocationIndexGivenTwiceCannotBeJoined() async throws {
    let fixture = try Fixture()
    let (allocations, accesses) = try fixture.writeSplit(
      allocations: """
        ffffffff810a1410,1,ffff888003a4c000,176,1,0,0,KMEM_CACHE,systemd,cred_jar,
        ffffffff81480010,2,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,

        """,
      accesses: "1,ffffffff810a1010,1,1,1\n")
    await #expect(
      throws: InputError(
        .malformedLine, file: allocations, line: 3, column: 42,
        "field 5 (alloc_index): allocation index 1 was given to the object on line 2 already; the accesses file names objects by index, so it cannot be joined")
    ) {
      try await fixture.record([.split(allocations: allocations, accesses: accesses)])
    }
  }

  @Test func anAccessToAnObjectTheAllocationsDoNotListIsAMalformedLine() async throws {
    // As when the two files come from different dumps: strict mode stops at
    // the line, lenient mode skips it and says where it was.
    let fixture = try Fixture()
    let (allocations, accesses) = try fixture.writeSplit(
      allocations: "ffffffff81480010,2,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\n",
      accesses: "1,ffffffff81480c10,2,1,3\n17,ffffffff81480c10,2,5,5\n1,ffffffff81480c10,2,0,1\n")
    let run = RunInput.split(allocations: allocations, accesses: accesses)
    await #expect(
      throws: InputError(
        .malformedLine, file: accesses, line: 3, column: 1,
        "alloc_index: expected an allocation index that the allocations file lists, found '17'")
    ) {
      try await fixture.record([run])
    }
    let snapshot = try await fixture.record([run], lenient: true)
    #expect(rows(snapshot) == ["tcp_sendmsg -> sk_alloc [KMEM_CACHE, TCP]: r4 w1 o1 runs1"])
    let input = snapshot.runs[0].inputs[1]
    #expect(input.accesses == 2)
    #expect(input.skippedLines == 1)
    #expect(input.problems.map(\.line) == [3])
    // A copy of debugfs cut mid-line in `allocations` loses that object: its
    // accesses name an index no line lists, and the message says why.
    let (cut, cutAccesses) = try fixture.writeSplit(
      allocations: "ffffffff81480010,2,ffff888005c20000,2048,1,0,0,KMEM_CACHE,sshd,TCP,\nffffffff81480010,2,ffff888005c21000,2048,2,0",
      accesses: "1,ffffffff81480c10,2,1,3\n2,ffffffff81480c10,2,5,5\n")
    await #expect(
      throws: InputError(
        .malformedLine, file: cutAccesses, line: 3, column: 1,
        "alloc_index: expected an allocation index that the allocations file lists, found '2' (\(cut)'s last line, 3, was cut short: if this is its object, --lenient keeps the rest)")
    ) {
      try await fixture.record([.split(allocations: cut, accesses: cutAccesses)])
    }
  }

  @Test func anObjectsAccessLinesAcrossAChunkEndCountItOnce() async throws {
    // Object 2's lines run past the first 64 KiB chunk: cut there, the two
    // workers would each count it.
    let fixture = try Fixture()
    let lines = [(1, 1000), (2, 3000), (3, 1000)].map { index, count in
      String(repeating: "\(index),ffffffff81480c10,2,0,1\n", count: count)
    }
    let (allocations, accesses) = try fixture.writeSplit(
      allocations: (1...3).map { "ffffffff81480010,2,ffff888005c2000\($0),2048,\($0),0,0,KMEM_CACHE,sshd,TCP,\n" }.joined(),
      accesses: lines.joined())
    for _ in 0..<3 {
      let snapshot = try await fixture.record([.split(allocations: allocations, accesses: accesses)])
      #expect(rows(snapshot) == ["tcp_sendmsg -> sk_alloc [KMEM_CACHE, TCP]: r5000 w0 o3 runs1"])
    }
  }

  @Test func sameInputsGiveByteIdenticalSnapshotsWhateverTheWorkers() async throws {
    let fixture = try Fixture()
    // Large enough to be cut into several chunks.
    let big = String(repeating: kmap, count: 2_000)
    let path = try fixture.directory.write("kmap", big)
    let one = SnapshotCodec.encode(try await fixture.record([.kmap(path)], workers: 1))
    let two = SnapshotCodec.encode(try await fixture.record([.kmap(path)], workers: 2))
    #expect(one == two)
    let decoded = try SnapshotCodec.decode(one, file: "s")
    #expect(rows(decoded).first == "commit_creds -> prepare_creds [KMEM_CACHE, cred_jar]: r12000 w8000 o4000 runs1")
  }

  @Test func strictModeReportsTheFirstMalformedLineAcrossChunks() async throws {
    let fixture = try Fixture()
    let lines = kmap.split(separator: "\n").count
    let big = String(repeating: kmap, count: 2_000) + "ffffffff810a1410,oops,ffff888003a4c000,176,101,0,0,KMEM_CACHE,systemd,cred_jar,\n" + String(repeating: kmap, count: 10)
    let path = try fixture.directory.write("kmap", big)
    await #expect(
      throws: InputError(
        .malformedLine, file: path, line: lines * 2_000 + 1, column: 18,
        "field 2 (pid): expected a decimal pid, found 'oops'")
    ) {
      _ = try await fixture.record([.kmap(path)])
    }
  }
}

@Suite struct CodecTests {
  func sample() async throws -> [UInt8] {
    let fixture = try Fixture()
    return SnapshotCodec.encode(try await fixture.record([.kmap(try fixture.directory.write("kmap", kmap))]))
  }

  @Test func roundTrips() async throws {
    let bytes = try await sample()
    let snapshot = try SnapshotCodec.decode(bytes, file: "s")
    #expect(SnapshotCodec.encode(snapshot) == bytes)
    #expect(snapshot.metadata == SnapshotMetadata(workload: "ltp", toolVersion: "0.1.0", symbolSource: "System.map", symbolFile: snapshot.metadata.symbolFile, hasFileInformation: false))
  }

  @Test func readsVersionOneFilesAsHavingNoEvidence() async throws {
    let bytes = try await sample()
    // Version 1 ends after the edges: drop the evidence count (one zero byte).
    var payload = Array(bytes[24..<(bytes.count - 1)])
    var header = BinaryWriter()
    header.bytes = Array(bytes[0..<8])
    header.fixed32(1)
    header.fixed64(UInt64(payload.count))
    header.fixed32(checksum(payload[...]))
    payload = header.bytes + payload
    let old = try SnapshotCodec.decode(payload, file: "v1")
    #expect(old.evidence.isEmpty)
    #expect(SnapshotCodec.encode(old) == bytes)
  }

  @Test func refusesDamageTruncationAndNewerVersions() async throws {
    let bytes = try await sample()
    var flipped = bytes
    flipped[flipped.count - 3] ^= 0x40
    #expect(throws: SnapshotError(.damaged, file: "s", "snapshot is damaged: its checksum does not match its contents")) {
      _ = try SnapshotCodec.decode(flipped, file: "s")
    }
    #expect(throws: SnapshotError(.damaged, file: "s", "snapshot is truncated or has trailing bytes (length mismatch)")) {
      _ = try SnapshotCodec.decode(Array(bytes.dropLast(5)), file: "s")
    }
    var newer = bytes
    newer[8] = 3
    #expect(
      throws: SnapshotError(
        .newerFormat, file: "s",
        "snapshot format version 3 is newer than this capdiff reads (version 2); upgrade capdiff to read it")
    ) {
      _ = try SnapshotCodec.decode(newer, file: "s")
    }
    #expect(throws: SnapshotError(.notASnapshot, file: "s", "is not a capdiff snapshot (no CAPMAP header)")) {
      _ = try SnapshotCodec.decode(Array("hello".utf8), file: "s")
    }
  }
}

/// Payloads a header vouches for (a writer's bug, or a crafted file) that
/// still lie: read as damaged, never trusted for a bound or an allocation.
@Suite struct LyingPayloadTests {
  @Test func aLengthRunningPastThePayloadIsDamage() {
    // A string table of one string of length 1, and no byte left for it.
    #expect(throws: SnapshotError.self) { try SnapshotCodec.decode(SnapshotCodec.framed([0x01, 0x01]), file: "t") }
  }

  @Test func aFrameIsNotTakenAtTheSizeItIsGiven() {
    let frame = ZstdFrame.compress(Array("CONFIG_RANDOMIZE_BASE=y\n".utf8))
    #expect(ZstdFrame.decompress(frame[...], size: 24)?.count == 24)
    // Not allocated first: a terabyte asked of a 24-byte frame is refused at once.
    #expect(ZstdFrame.decompress(frame[...], size: 1 << 40) == nil)
    #expect(ZstdFrame.decompress(frame[...], size: 23) == nil)
  }
}
