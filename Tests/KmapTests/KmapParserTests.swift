import Input
import Testing

@testable import Kmap

/// Records everything the parser hands to a sink.
struct RecordingSink: KmapSink {
  enum Event: Equatable {
    case object(KmapObject, slab: String)
    case access(KmapAccess)
  }
  var events: [Event] = []

  mutating func object(_ object: KmapObject, slab: Span<UInt8>) {
    events.append(.object(object, slab: slab.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }))
  }

  mutating func accesses(_ batch: Span<KmapAccess>) {
    for index in batch.indices { events.append(.access(batch[index])) }
  }
}

func parse(_ text: String, _ format: KmapFormat, lenient: Bool = false, columns: AccessColumns = .init(hasPID: true))
  -> (RecordingSink, ChunkReport)
{
  var sink = RecordingSink()
  let parser = KmapParser(format: format, accessColumns: columns, lenient: lenient)
  let report = parser.parse(Chunk(bytes: Array(text.utf8), index: 0, isLast: true), into: &sink)
  return (sink, report)
}

@Suite struct CurrentFormatTests {
  @Test func objectWithCommaInCommandAndAccessLines() {
    let (sink, report) = parse(
      """
      ffffffff81480010,733,ffff888005c20000,2048,103,0,0,KMEM_CACHE,sshd: root,[priv],TCP,
        ffffffff81480c10,3,8,733
        0xffffffff81480810,5,2,734

      """, .current)
    #expect(report.error == nil)
    #expect(report.lines == 3)
    #expect(report.objects == 1)
    #expect(report.accesses == 2)
    #expect(report.liveObjects == 1)
    #expect(
      sink.events == [
        .object(
          KmapObject(
            allocIP: 0xffff_ffff_8148_0010, pid: 733, address: 0xffff_8880_05c2_0000, size: 2048,
            allocIndex: 103, freeIndex: 0, freeIP: 0, allocType: .kmemCache, newAllocType: nil),
          slab: "TCP"),
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 3, reads: 8, pid: 733)),
        .access(KmapAccess(address: 0xffff_ffff_8148_0810, writes: 5, reads: 2, pid: 734)),
      ])
  }

  @Test func specialValues() {
    let (sink, report) = parse(
      """
      feedbeef,0,ffff888000100000,512,107,9,deadbeef,GEN_HEAP,swapper/0,no-slab,
        ffffffff810a1810,0,1,0
      14,0,ffff888000300000,64,108,0,fedbeef,UFO_MEMBLOCK,swapper/0,no-slab,KMALLOC
      1a,0,ffff888000200000,0,109,0,0,NONE,swapper/0,no-slab,
        from:ffffffff81480c10,0,1

      """, .current)
    #expect(report.error == nil)
    #expect(report.freedObjects == 2)
    #expect(report.liveObjects == 1)
    guard case .object(let prealloc, let slab) = sink.events[0] else {
      Issue.record("expected an object")
      return
    }
    #expect(prealloc.isPreallocated)
    #expect(prealloc.freeIP == KmapSpecial.deadFree)
    #expect(slab == "")
    guard case .object(let ufo, _) = sink.events[2] else {
      Issue.record("expected an object")
      return
    }
    #expect(ufo.allocIP == 0x14)
    #expect(ufo.hasNoAllocationSite)
    #expect(ufo.allocType == .ufoMemblock)
    #expect(ufo.newAllocType == .kmalloc)
    #expect(ufo.freeIP == KmapSpecial.fedFree)
    #expect(sink.events[4] == .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 0, reads: 1, pid: nil, isFrom: true)))
  }

  @Test func crlfLineEndsAndNumericType() {
    let (sink, report) = parse(
      "ffffffff81000010,1,ffff888000000000,8,1,0,0,0x7,cat,kmalloc-8,\r\n  ffffffff81000020,1,2,1\r\n", .current)
    #expect(report.error == nil)
    #expect(report.accesses == 1)
    #expect(
      sink.events.first
        == .object(
          KmapObject(
            allocIP: 0xffff_ffff_8100_0010, pid: 1, address: 0xffff_8880_0000_0000, size: 8, allocIndex: 1,
            freeIndex: 0, freeIP: 0, allocType: .kmalloc, newAllocType: nil), slab: "kmalloc-8"))
  }

  @Test func cutLastLineIsKeptOutAndReported() {
    let (sink, report) = parse(
      "ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n  ffffffff81000020,1,2,1\n  ffffffff810000",
      .current)
    #expect(report.error == nil)
    #expect(report.accesses == 1)
    #expect(sink.events.count == 2)
    #expect(report.cutLine?.line == 3)
    #expect(
      report.cutLine?.message
        == "last line is cut short (no newline at the end, as when a kmap is copied from debugfs mid-write); kept out: '  ffffffff810000'"
    )
  }

  @Test func malformedLinesNameTheFieldAndColumn() {
    let (_, badAddress) = parse("ffffffff8100zz10,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n", .current)
    #expect(
      badAddress.error
        == LineProblem(line: 1, column: 1, message: "field 1 (alloc_ip): expected a hex address, found 'ffffffff8100zz10'"))
    let (_, badType) = parse("ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOCX,cat,kmalloc-8,\n", .current)
    #expect(
      badType.error
        == LineProblem(
          line: 1, column: 45,
          message:
            "field 8 (alloc_type): expected an allocation type name (KMALLOC, KMEM_CACHE, GLOBAL, …), a code or (null), found 'KMALLOCX'"
        ))
    // Slab names are printed: one with a terminal's escape (C0 or C1) is refused.
    for escape in ["\u{1B}[2J", "\u{9B}2J"] {
      let (_, control) = parse("ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc\(escape),\n", .current)
      #expect(control.error?.line == 1)
      #expect(control.error?.column == 64)
      #expect(control.error?.message.hasPrefix("field 10 (slabname): expected a slab cache name, found a control character in 'kmalloc\\x") == true)
    }
    let (_, short) = parse("ffffffff81000010,1,ffff888000000000,8\n", .current)
    #expect(
      short.error
        == LineProblem(
          line: 1, column: 1,
          message:
            "expected an object line 'alloc_ip,pid,obj_va_ptr,size,alloc_index,free_index,free_ip,alloc_type,command,slabname,new_alloc_type', found 4 fields: 'ffffffff81000010,1,ffff888000000000,8'"
        ))
    let (_, badAccess) = parse(
      "ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n  ffffffff81000020,x,2,1\n", .current)
    #expect(
      badAccess.error == LineProblem(line: 2, column: 20, message: "writes: expected a decimal count, found 'x'"))
    let (_, huge) = parse(
      "ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n  ffffffff81000020,18446744073709551616,2,1\n", .current)
    #expect(
      huge.error
        == LineProblem(
          line: 2, column: 20, message: "writes: expected a decimal count, found '18446744073709551616', which 64 bits cannot hold"))
    // White space alone is a blank line.
    let (_, spaces) = parse("ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n   \t\n  ffffffff81000020,1,2,1\n", .current)
    #expect(spaces.error == nil)
    #expect(spaces.accesses == 1)
    let (_, orphan) = parse("  ffffffff81000020,1,2,1\n", .current)
    #expect(orphan.error?.message == "access line before any object line; expected an object line first")
  }

  @Test func lenientSkipsMalformedObjectAndItsAccesses() {
    let (sink, report) = parse(
      """
      ffffffff81000010,1,ffff888000000000,8,1,0,0,BOGUS,cat,kmalloc-8,
        ffffffff81000020,1,2,1
        ffffffff81000030,1,2,1
      ffffffff81000010,1,ffff888000000000,8,2,0,0,KMALLOC,cat,kmalloc-8,
        ffffffff81000020,1,2,1

      """, .current, lenient: true)
    #expect(report.error == nil)
    #expect(report.skippedLines == 3)
    #expect(report.problems.count == 1)
    #expect(report.problems.first?.line == 1)
    #expect(report.objects == 1)
    #expect(sink.events.count == 2)
  }
}

@Suite struct LegacyAndSplitFormatTests {
  @Test func legacyHasPIDSecondOnAccessLines() {
    let (sink, report) = parse(
      """
      ffffffff81320810,412,ffff888004b10000,1080,4295000000,0,0,kworker/u4:2, extra
        ffffffff81320c10,412,7,3

      """, .legacy)
    #expect(report.error == nil)
    #expect(
      sink.events == [
        .object(
          KmapObject(
            allocIP: 0xffff_ffff_8132_0810, pid: 412, address: 0xffff_8880_04b1_0000, size: 1080,
            allocIndex: 4_295_000_000, freeIndex: 0, freeIP: 0, allocType: nil, newAllocType: nil), slab: ""),
        .access(KmapAccess(address: 0xffff_ffff_8132_0c10, writes: 7, reads: 3, pid: 412)),
      ])
  }

  /// A current object line in a legacy kmap would pass its type for the
  /// command and its access lines' counts for pids.
  @Test func legacyRefusesAnObjectLineOfTheCurrentFormat() {
    let (_, report) = parse(
      """
      ffffffff81320810,412,ffff888004b10000,1080,4295000000,0,0,bash
        ffffffff81320c10,412,7,3
      ffffffff81320810,1,ffff888004b20000,176,1,0,0,KMEM_CACHE,bash,cred_jar,
        ffffffff81320c10,7,0,100

      """, .legacy)
    #expect(
      report.error
        == LineProblem(
          line: 3, column: 47,
          message:
            "field 8 (executable): found an allocation type: this is an object line of the current format 'alloc_ip,pid,obj_va_ptr,size,alloc_index,free_index,free_ip,alloc_type,command,slabname,new_alloc_type' in a legacy kmap (two kmaps joined?)"
        ))
  }

  @Test func allocationsSkipHeaderAndReadElevenValues() {
    let (sink, report) = parse(
      """
      alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type
      ffffffff81480010,733,ffff888005c20000,2048,103,0,0,KMEM_CACHE,sshd: root,[priv],TCP,

      """, .allocations)
    #expect(report.error == nil)
    #expect(report.objects == 1)
    guard case .object(let object, let slab) = sink.events.first else {
      Issue.record("expected an object")
      return
    }
    #expect(object.allocIndex == 103)
    #expect(slab == "TCP")
  }

  @Test func accessesWithAndWithoutPID() {
    let (withPID, r1) = parse("alloc_index,access_ip,pid,writes,reads\n103,ffffffff81480c10,733,3,8\n", .accesses)
    #expect(r1.error == nil)
    #expect(
      withPID.events == [
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 3, reads: 8, pid: 733, objectIndex: 103))
      ])
    let (noPID, r2) = parse(
      "alloc_index,access_ip,writes,reads\n103,ffffffff81480c10,3,8\n", .accesses, columns: .init(hasPID: false))
    #expect(r2.error == nil)
    #expect(
      noPID.events == [
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 3, reads: 8, pid: nil, objectIndex: 103))
      ])
  }
}

@Suite struct DetectionTests {
  func detect(_ text: String, forced: KmapFormat? = nil) throws -> (KmapFormat, AccessColumns) {
    let bytes = Array(text.utf8)
    let result = try KmapDetection.detect(bytes.span, file: "k", forced: forced)
    return (result.format, result.columns)
  }

  @Test func detectsEachLayout() throws {
    #expect(try detect("ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n").0 == .current)
    #expect(try detect("ffffffff81000010,1,ffff888000000000,8,1,0,0,cat\n").0 == .legacy)
    // Blank lines before the first object line, white space alone included, are skipped as the parser skips them.
    #expect(try detect("  \r\n\t\nffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n").0 == .current)
    #expect(try detect("alloc_ip,pid,ptr,size,alloc_time,free_time,free_ip,type,slab,new_type\n").0 == .allocations)
    #expect(try detect("alloc_index,access_ip,pid,writes,reads\n") == (.accesses, AccessColumns(hasPID: true)))
    #expect(try detect("alloc_index,access_ip,writes,reads\n") == (.accesses, AccessColumns(hasPID: false)))
    // A legacy command may hold commas too.
    #expect(try detect("ffffffff81000010,1,ffff888000000000,8,1,0,0,sshd: root,[priv]\n").0 == .legacy)
    // A current line with an unknown type, or without its last field, is
    // still current (and its parse names the field), never legacy with
    // every count shifted.
    #expect(try detect("ffffffff81000010,123,ffff888000000000,64,1,0,0,FOO,bash,kmalloc-64,\n").0 == .current)
    #expect(try detect("ffffffff81000010,123,ffff888000000000,64,1,0,0,KMALLOC,bash,kmalloc-64\n").0 == .current)
    // Unknown types in both type fields, and the (null) of a kernel without MEMORIZER_STATS.
    #expect(
      try detect("ffffffff81000010,100,ffff888000001000,64,1,2,00000000deadbeef,KMEM_CACHE_BULK_ND,bash,kmalloc-64,KMEM_CACHE_BULK_ND\n").0
        == .current)
    #expect(try detect("ffffffff81000010,100,ffff888000001000,64,1,2,00000000deadbeef,(null),bash,kmalloc-64,(null)\n").0 == .current)
    #expect(
      throws: InputError(
        .unsupportedFormat, file: "k", line: 1, column: 1,
        "is read as a legacy kmap (--kmap-format, or its place after an allocations file), but it begins with an object line of the current format (field 8 is an allocation type)")
    ) {
      try KmapDetection.detect(
        Array("ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n".utf8).span, file: "k", forced: .legacy)
    }
    #expect(
      throws: InputError(
        .unsupportedFormat, file: "k", line: 1, column: 1,
        "is read as a current kmap (--kmap-format, or its place after an allocations file), but it begins with an object line of the legacy 4.10 format (no allocation type in field 8)")
    ) {
      try KmapDetection.detect(Array("ffffffff81000010,1,ffff888000000000,8,1,0,0,cat\n".utf8).span, file: "k", forced: .current)
    }
  }

  @Test func refusesWhatIsNotAKmap() throws {
    #expect(
      throws: InputError(
        .unsupportedFormat, file: "k", line: 1, column: 1,
        "begins with a UTF-8 byte-order mark, which Memorizer never writes (was it saved by an editor?): remove the first three bytes")
    ) {
      try detect("\u{FEFF}ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n")
    }
    #expect(throws: InputError(.unsupportedFormat, file: "k", "is binary data, not a Memorizer kmap (expected text lines of comma-separated fields)")) {
      try detect("\u{7F}ELF\u{0}\u{0}")
    }
    // A NUL further on is a bad byte of a text kmap, which its parser names by line.
    #expect(try detect("ffffffff81000010,1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n  ffff\u{0}ffff81000010,1,1,1\n").0 == .current)
    #expect(throws: InputError(.unsupportedFormat, file: "k", "is empty: expected a Memorizer kmap")) {
      try detect("\n\n")
    }
    #expect(throws: InputError(.unsupportedFormat, file: "k", "is empty: expected a Memorizer kmap")) {
      try detect("  \r\n\t\n ")
    }
    #expect(
      throws: InputError(
        .unsupportedFormat, file: "k", line: 1, column: 1,
        "is not a Memorizer kmap: the first line is 'name,age,city' with 3 fields; expected an object line of 11 fields (current format) or 8 (legacy 4.10 format), or an allocations/accesses header"
      )
    ) {
      try detect("name,age,city\nbob,3,x\n")
    }
  }

  @Test func objectBoundaryCutsBeforeAnObjectLine() {
    let text = Array("obj1\n  a\n  b\nobj2\n  c\n".utf8)
    #expect(KmapDetection.objectBoundary(text.span) == 13)
  }

  @Test func accessesBoundaryKeepsAnObjectsLinesInOneChunk() {
    func cut(_ text: String) -> Int? { KmapDetection.accessesBoundary(Array(text.utf8).span) }
    // Before the lines of index 2, whose last may go on past the chunk.
    #expect(cut("alloc_index,x\n1,a\n12,b\n2,c\n2,d\n") == 23)
    // The last line is cut short: whether it is 2's or 23's, it goes with 2's lines.
    #expect(cut("alloc_index,x\n1,a\n12,b\n2,c\n2,d\n2") == 23)
    #expect(cut("1,a\n1,b\n") == nil)
    #expect(cut("1,a\n1,") == nil)
    #expect(cut("1,a\n2,b") == nil)
    #expect(cut("1,a\n2,b\n") == 4)
  }
}
