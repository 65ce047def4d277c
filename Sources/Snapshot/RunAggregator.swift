import Kmap
import Symbols

/// An address resolved against the symbol table: a function or data symbol
/// index, or the raw address when no symbol covers it.
struct SymbolRef: Hashable, Sendable {
  var value: UInt64
  var resolved: Bool
}

/// An object site before names are attached.
struct SiteKey: Hashable, Sendable {
  var kind: ObjectSite.Kind
  /// 0xFF when the format gave no type.
  var allocType: UInt8
  var ref: SymbolRef
  /// FNV-1a hash of the slab name (0 for none); names are kept beside.
  var slab: UInt64
}

/// Which pseudo-site a `.pseudo` key means (kept in its `ref`).
enum PseudoKind: UInt64 {
  case stack = 0
  case preallocated = 1
  case untracked = 2
}

struct EdgeStats: Sendable {
  var reads: UInt64 = 0
  var writes: UInt64 = 0
  var objects: UInt64 = 0
  var lowestAddress: UInt64 = .max

  @inline(__always)
  mutating func add(reads: UInt64, writes: UInt64, newObject: Bool, address: UInt64) {
    self.reads &+= reads
    self.writes &+= writes
    if newObject { objects &+= 1 }
    if address < lowestAddress { lowestAddress = address }
  }

  mutating func merge(_ other: EdgeStats) {
    reads &+= other.reads
    writes &+= other.writes
    objects &+= other.objects
    lowestAddress = min(lowestAddress, other.lowestAddress)
  }
}

/// Aggregates one worker's share of a kmap by (subject, object site) while
/// parsing: memory grows with distinct edges, never with the file.
///
/// Subjects are 32-bit ids: a function's index in the symbol table, or, with
/// the top bit set, an index into `unknownAddresses`. Sites are indexes into
/// `sites`. Edges live in an `EdgeTable` keyed by the two packed together.
struct RunAggregator: KmapSink, Sendable {
  static let unknownBit: UInt32 = 1 << 31

  let symbols: SymbolTable
  /// For split `accesses` files: each allocation index's site, from the
  /// `allocations` file read first.
  let sitesByIndex: [UInt64: SiteKey]?
  /// When reading a split `allocations` file: record sites by index only.
  let recordsSitesByIndex: Bool

  private(set) var edges = EdgeTable()
  private(set) var sites: [SiteKey] = []
  private var siteIDs: [SiteKey: UInt32] = [:]
  private(set) var unknownAddresses: [UInt64] = []
  private var unknownIDs: [UInt64: UInt32] = [:]
  var slabNames: [UInt64: String] = [:]
  var recordedSites: [UInt64: SiteKey] = [:]
  /// Accesses whose object index the allocations file did not list.
  var orphanAccesses = 0

  private var currentSite: UInt32?
  private var currentObjectIndex: UInt64 = .max
  /// Subjects that already counted the current object.
  private var subjectsOfObject: [UInt32] = []
  /// A small direct-mapped cache of address → subject id, per worker.
  private var cacheKeys = [UInt64](repeating: .max, count: 8192)
  private var cacheValues = [UInt32](repeating: 0, count: 8192)

  init(symbols: SymbolTable, sitesByIndex: [UInt64: SiteKey]? = nil, recordsSitesByIndex: Bool = false) {
    self.symbols = symbols
    self.sitesByIndex = sitesByIndex
    self.recordsSitesByIndex = recordsSitesByIndex
  }

  mutating func object(_ object: KmapObject, slab: Span<UInt8>) {
    let site = siteKey(for: object, slab: slab)
    if recordsSitesByIndex {
      recordedSites[object.allocIndex] = site
    } else {
      currentSite = siteID(site)
      subjectsOfObject.removeAll(keepingCapacity: true)
    }
  }

  mutating func access(_ access: KmapAccess) {
    let site: UInt32
    if let index = access.objectIndex {
      guard let known = sitesByIndex?[index] else {
        orphanAccesses += 1
        return
      }
      if index != currentObjectIndex {
        currentObjectIndex = index
        subjectsOfObject.removeAll(keepingCapacity: true)
        currentSite = siteID(known)
      }
      site = currentSite!
    } else {
      guard let current = currentSite else { return }
      site = current
    }
    let subject = subjectID(at: access.address)
    let firstTouch = !subjectsOfObject.contains(subject)
    if firstTouch { subjectsOfObject.append(subject) }
    edges.add(
      edgeKey(subject: subject, site: site), reads: access.reads, writes: access.writes, newObject: firstTouch,
      address: access.address)
  }

  /// What a subject id stands for.
  func subjectRef(_ id: UInt32) -> SymbolRef {
    id & Self.unknownBit == 0
      ? SymbolRef(value: UInt64(id), resolved: true)
      : SymbolRef(value: unknownAddresses[Int(id & ~Self.unknownBit)], resolved: false)
  }

  @inline(__always)
  private mutating func subjectID(at address: UInt64) -> UInt32 {
    let slot = Int(truncatingIfNeeded: (address ^ (address >> 13)) & 8191)
    if cacheKeys[slot] == address { return cacheValues[slot] }
    let id: UInt32
    if let index = symbols.function(containing: address) {
      id = UInt32(index)
    } else {
      id = unknownID(address)
    }
    cacheKeys[slot] = address
    cacheValues[slot] = id
    return id
  }

  private mutating func unknownID(_ address: UInt64) -> UInt32 {
    if let known = unknownIDs[address] { return known }
    let id = UInt32(unknownAddresses.count) | Self.unknownBit
    unknownAddresses.append(address)
    unknownIDs[address] = id
    return id
  }

  private mutating func siteID(_ site: SiteKey) -> UInt32 {
    if let known = siteIDs[site] { return known }
    let id = UInt32(sites.count)
    sites.append(site)
    siteIDs[site] = id
    return id
  }

  private mutating func siteKey(for object: KmapObject, slab: Span<UInt8>) -> SiteKey {
    let type = object.effectiveType
    let typeCode = type?.rawValue ?? 0xFF
    func pseudo(_ which: PseudoKind, _ typeCode: UInt8) -> SiteKey {
      SiteKey(kind: .pseudo, allocType: typeCode, ref: SymbolRef(value: which.rawValue, resolved: false), slab: 0)
    }
    if object.isPreallocated { return pseudo(.preallocated, typeCode) }
    if let type, type.isStack { return pseudo(.stack, AllocType.stack.rawValue) }
    if let type, type.isGlobal {
      let ref =
        symbols.dataSymbol(containing: object.address).map { SymbolRef(value: UInt64($0), resolved: true) }
        ?? SymbolRef(value: object.address, resolved: false)
      return SiteKey(kind: .global, allocType: typeCode, ref: ref, slab: 0)
    }
    if object.hasNoAllocationSite || type?.isUntracked == true { return pseudo(.untracked, typeCode) }
    let allocator =
      symbols.function(containing: object.allocIP).map { SymbolRef(value: UInt64($0), resolved: true) }
      ?? SymbolRef(value: object.allocIP, resolved: false)
    return SiteKey(kind: .heap, allocType: typeCode, ref: allocator, slab: intern(slab))
  }

  private mutating func intern(_ slab: Span<UInt8>) -> UInt64 {
    guard !slab.isEmpty else { return 0 }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in slab.indices { hash = (hash ^ UInt64(slab[i])) &* 0x100_0000_01b3 }
    if hash == 0 { hash = 1 }
    if slabNames[hash] == nil {
      slabNames[hash] = slab.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }
    return hash
  }
}
