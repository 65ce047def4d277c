/// Memorizer's allocation types, with the codes its kernel side uses.
///
/// The code matters: for untracked objects Memorizer prints the code itself
/// as the `alloc_ip` (an object line starting `14,` is a UFO_MEMBLOCK object).
public enum AllocType: UInt8, CaseIterable, Sendable, Codable, Comparable {
  case stack = 0x0
  case stackFrame = 0x1
  case stackArgs = 0x2
  case stackPage = 0x3
  case genHeap = 0x4
  case ufoHeap = 0x5
  case global = 0x6
  case kmalloc = 0x7
  case kmallocNode = 0x8
  case kmemCache = 0x9
  case kmemCacheNode = 0xA
  case kmemCacheBulk = 0xB
  case vmalloc = 0xC
  case allocPages = 0xD
  case allocPagesExact = 0xE
  case allocPagesGetFreePages = 0xF
  case allocPagesFolio = 0x10
  case inducedAlloc = 0x11
  case bootmem = 0x12
  case memblock = 0x13
  case ufoMemblock = 0x14
  case memorizer = 0x15
  case user = 0x16
  case bug = 0x17
  case ufoGlobal = 0x18
  case ufoNone = 0x19
  case none = 0x1A

  /// The name Memorizer prints, e.g. `KMEM_CACHE_ND`.
  public var name: String { Self.names[Int(rawValue)] }

  /// The type named `name`, as Memorizer prints it.
  public init?(name: String) {
    guard let index = Self.names.firstIndex(of: name) else { return nil }
    self.init(rawValue: UInt8(index))
  }

  public static func < (a: AllocType, b: AllocType) -> Bool { a.rawValue < b.rawValue }

  /// Stack memory of any kind.
  public var isStack: Bool { self.rawValue <= AllocType.stackPage.rawValue }

  /// Objects Memorizer saw accessed but never saw allocated, or that belong
  /// to no kernel code: they have no meaningful owner.
  public var isUntracked: Bool {
    switch self {
    case .ufoHeap, .ufoMemblock, .ufoNone, .ufoGlobal, .none, .bug, .user, .memorizer: true
    default: false
    }
  }

  /// Objects identified by the global variable at their address.
  public var isGlobal: Bool { self == .global || self == .ufoGlobal }

  static let names: [String] = [
    "STACK", "STACK_FRAME", "STACK_ARGS", "STACK_PAGE", "GEN_HEAP", "UFO_HEAP", "GLOBAL",
    "KMALLOC", "KMALLOC_ND", "KMEM_CACHE", "KMEM_CACHE_ND", "KMEM_CACHE_BULK", "VMALLOC",
    "ALLOC_PAGES", "ALLOC_PAGES_EXACT", "ALLOC_PAGES_GETFREEPAGES", "ALLOC_PAGES_FOLIO",
    "INDUCED_ALLOC", "BOOTMEM", "MEMBLOCK", "UFO_MEMBLOCK", "MEMORIZER", "USER", "BUG",
    "UFO_GLOBAL", "UFO_NONE", "NONE",
  ]

  /// Names as bytes, for matching fields without making strings.
  static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }
}
