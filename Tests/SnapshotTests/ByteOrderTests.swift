import Testing

@testable import Snapshot

@Suite struct ByteOrderTests {
  /// Names that tie on their first bytes, run past 16 or 32 of them, hold a
  /// NUL, or leave ASCII (one of them not in NFC).
  static let names = [
    "", "a", "a\0", "a\0b", "ab", "_", "__x64_sys_read", "__x64_sys_readv", "__x64_sys_readlink",
    "abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnoq", "abcdefghijklmno", "Z", "z", "\u{E9}",
    "e\u{301}", "\u{7F}", "\u{80}", "unknown+0xffffffffc0a81234", "unknown+0xffffffffc0a81235",
    "unknown+0xffffffff8", "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz0123456",
  ]

  @Test func bytesPrecedeIsTheOrderOfTheUTF8Bytes() {
    for a in Self.names {
      for b in Self.names {
        #expect(a.bytesPrecede(b) == Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)), "\(a) / \(b)")
      }
    }
  }

  @Test func prefixesThatDifferOrderTheirStringsAsTheirBytesDo() {
    var decided = 0
    for a in Self.names {
      for b in Self.names where a.orderPrefix != b.orderPrefix {
        #expect((a.orderPrefix < b.orderPrefix) == a.bytesPrecede(b), "\(a) / \(b)")
        decided += 1
      }
    }
    // Only the pairs alike in their first 32 bytes are left to the strings.
    #expect("abcdefghijklmnopqrstuvwxyz0123456".orderPrefix == "abcdefghijklmnopqrstuvwxyz012345".orderPrefix)
    #expect("a".orderPrefix == "a\0".orderPrefix)
    #expect(decided == Self.names.count * (Self.names.count - 1) - 2 * 2)
  }

  @Test func sitePrefixesOrderByKindThenNameAsSitesDo() {
    let sites = [ObjectSite.Kind.heap, .global, .pseudo].flatMap { kind in
      Self.names.map { ObjectSite(kind: kind, name: $0, file: nil, allocType: nil, slab: nil) }
    }
    var decided = 0
    for a in sites {
      for b in sites where a.orderPrefix != b.orderPrefix {
        #expect((a.orderPrefix < b.orderPrefix) == (a < b), "\(a.label) / \(b.label)")
        decided += 1
      }
    }
    // A site keeps 31 bytes of its name: the two 32-byte names tie too.
    #expect(decided == sites.count * (sites.count - 1) - 3 * 2 * 2)
    let heap = ObjectSite(kind: .heap, name: "zzz", file: nil, allocType: nil, slab: nil)
    let global = ObjectSite(kind: .global, name: "aaa", file: nil, allocType: nil, slab: nil)
    #expect(heap.orderPrefix < global.orderPrefix)
  }

  /// Names that only Unicode normalisation makes equal, past the 32 bytes
  /// of the prefix, with files that disagree: the order must stay one
  /// order (it made a cycle when names were compared with `==`).
  @Test func spellingsOfOneCharacterAreTwoNamesInTheOrder() {
    let stem = String(repeating: "x", count: 32)
    let decomposed = Subject(function: stem + "e\u{301}", file: "b", module: nil)
    let precomposed = Subject(function: stem + "\u{E9}", file: "a", module: nil)
    let plain = Subject(function: stem + "f", file: nil, module: nil)
    #expect(decomposed < plain)
    #expect(plain < precomposed)
    #expect(decomposed < precomposed)
    #expect(!(precomposed < decomposed))
  }

  @Test func internTableSortsAsTheValuesSortAndMapsEveryNumberToItsPlace() {
    var table = InternTable<Subject>()
    let subjects = [
      Subject(function: "__x64_sys_readlinkat", file: "fs/stat.c", module: nil),
      Subject(function: "__x64_sys_readlinkat", file: nil, module: "compat"),
      Subject(function: "__x64_sys_readlink", file: "fs/stat.c", module: nil),
      Subject(function: "__x64_sys_readlinkat", file: "fs/namei.c", module: nil),
      Subject(function: "commit_creds", file: "kernel/cred.c", module: nil),
      Subject(function: "unknown+0xffffffffc0001000", file: nil, module: nil),
      Subject(function: "__x64_sys_readlink", file: "fs/stat.c", module: nil),
    ]
    let numbers = subjects.map { table.number(of: $0) }
    #expect(numbers == [0, 1, 2, 3, 4, 5, 2])
    let (sorted, place) = table.sorted()
    #expect(sorted.map(\.function) == [
      "__x64_sys_readlink", "__x64_sys_readlinkat", "__x64_sys_readlinkat", "__x64_sys_readlinkat", "commit_creds",
      "unknown+0xffffffffc0001000",
    ])
    #expect(sorted.map { $0.file ?? "-" } == ["fs/stat.c", "-", "fs/namei.c", "fs/stat.c", "kernel/cred.c", "-"])
    for (subject, number) in zip(subjects, numbers) { #expect(sorted[Int(place[number])] == subject) }
  }
}
