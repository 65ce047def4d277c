import Input
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
    self.reads = self.reads.saturatingAdd(reads)
    self.writes = self.writes.saturatingAdd(writes)
    if newObject { objects &+= 1 }
    if address < lowestAddress { lowestAddress = address }
  }

  mutating func merge(_ other: EdgeStats) {
    reads = reads.saturatingAdd(other.reads)
    writes = writes.saturatingAdd(other.writes)
    objects = objects.saturatingAdd(other.objects)
    lowestAddress = min(lowestAddress, other.lowestAddress)
  }
}

/// The site of a heap, stack or untracked object line, with what it was found from.
struct MemoizedSite: Sendable {
  var allocIP: UInt64 = 0
  var slab: UInt64 = 0
  var site: UInt32 = 0
  var type: UInt8 = 0
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
  /// Told of each new global site: the walk over the variables starts at the first.
  let preparation: DebugInfoPreparation?

  private(set) var edges = EdgeTable()
  private(set) var sites: [SiteKey] = []
  private var siteIDs: [SiteKey: UInt32] = [:]
  private(set) var unknownAddresses: [UInt64] = []
  private var unknownIDs: [UInt64: UInt32] = [:]
  var slabNames: [UInt64: String] = [:]
  var recordedSites: [UInt64: SiteKey] = [:]
  /// Allocation indexes an `allocations` file gave more than once.
  var repeatedIndexes: Set<UInt64> = []

  private var currentSite: UInt32?
  private var currentObjectIndex: UInt64 = .max
  /// Numbers the objects read, from 1, so that edges can tell a new object.
  private var objectNumber: UInt64 = 0
  /// The subject of every access address seen: the symbol table's search
  /// runs once per distinct address.
  private var subjects = SubjectCache()
  /// Sites by a hash of what determines them, each beside the allocating
  /// address, type and slab it stands for: one cache line per object line.
  private var siteMemo = KeyedTable<UInt64, MemoizedSite>(initial: MemoizedSite())
  /// A batch's lines on their way to the edges, kept between batches: a
  /// batch is often one object's few lines, and an array each cost a malloc
  /// and a free per object line.
  private var lines: [EdgeLine] = []

  init(
    symbols: SymbolTable, preparation: DebugInfoPreparation? = nil, sitesByIndex: [UInt64: SiteKey]? = nil,
    recordsSitesByIndex: Bool = false
  ) {
    self.symbols = symbols
    self.preparation = preparation
    self.sitesByIndex = sitesByIndex
    self.recordsSitesByIndex = recordsSitesByIndex
  }

  mutating func object(_ object: KmapObject, slab: Span<UInt8>) {
    let site = siteID(of: object, slab: slab)
    if recordsSitesByIndex {
      if recordedSites.updateValue(sites[Int(site)], forKey: object.allocIndex) != nil {
        repeatedIndexes.insert(object.allocIndex)
      }
    } else {
      currentSite = site
      objectNumber = EdgeTable.objectNumber(after: objectNumber)
    }
  }

  /// The site of an object line. Every site but a global's follows from the
  /// allocating address, the type and the slab name alone: those sites are
  /// remembered by the three, so that most object lines cost one lookup
  /// rather than a symbol search and a dictionary of site keys.
  private mutating func siteID(of object: KmapObject, slab: Span<UInt8>) -> UInt32 {
    let slabHash = Self.hash(slab)
    let (siteType, covering) = siteType(of: object)
    let type = siteType?.rawValue ?? 0xFF
    if siteType?.isGlobal == true {
      return siteID(siteKey(for: object, type: siteType, slab: intern(slab, hash: slabHash), covering: covering))
    }
    let memoKey = (object.allocIP ^ slabHash) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(type)
    let known = siteMemo.value(for: memoKey)
    if let known, known.allocIP == object.allocIP, known.type == type, known.slab == slabHash {
      return known.site
    }
    let site = siteID(siteKey(for: object, type: siteType, slab: intern(slab, hash: slabHash)))
    // A second triple with the same hash is not kept: it takes this path each time.
    if known == nil {
      siteMemo.update(memoKey) { $0 = MemoizedSite(allocIP: object.allocIP, slab: slabHash, site: site, type: type) }
    }
    return site
  }

  mutating func accesses(_ batch: Span<KmapAccess>) {
    // Three passes over the batch, each asking for the cache lines the next
    // needs: the subjects' slots, then the edges' slots, then the counts. A
    // line at a time, every access line waited on two cache misses in turn.
    for index in batch.indices { subjects.prefetch(batch[index].address) }
    lines.removeAll(keepingCapacity: true)
    for index in batch.indices {
      let access = batch[index]
      if let objectIndex = access.objectIndex, objectIndex != currentObjectIndex {
        currentObjectIndex = objectIndex
        objectNumber = EdgeTable.objectNumber(after: objectNumber)
        currentSite = sitesByIndex?[objectIndex].map { siteID($0) }
      }
      guard let site = currentSite else { continue }
      let key = edgeKey(subject: subjectID(at: access.address), site: site)
      edges.prefetch(key)
      lines.append(
        EdgeLine(key: key, reads: access.reads, writes: access.writes, object: objectNumber, address: access.address))
    }
    let lines = lines  // lent to the edges while they change, apart from self
    edges.add(lines.span)
  }

  func knowsObject(_ index: UInt64) -> Bool { sitesByIndex.map { $0[index] != nil } ?? true }

  /// What a subject id stands for.
  func subjectRef(_ id: UInt32) -> SymbolRef {
    id & Self.unknownBit == 0
      ? SymbolRef(value: UInt64(id), resolved: true)
      : SymbolRef(value: unknownAddresses[Int(id & ~Self.unknownBit)], resolved: false)
  }

  @inline(__always)
  private mutating func subjectID(at address: UInt64) -> UInt32 {
    if let known = subjects.subject(of: address) { return known }
    let id = symbols.function(containing: address).map { UInt32($0) } ?? unknownID(address)
    subjects.insert(address, subject: id)
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
    // Told once per new global site, not per object line; it starts once.
    if site.kind == .global { preparation?.metGlobal() }
    let id = UInt32(sites.count)
    sites.append(site)
    siteIDs[site] = id
    return id
  }

  /// The type an object's site is identified with: the printed one. A
  /// kernel without CONFIG_MEMORIZER_STATS prints `(null)` instead; an
  /// object whose alloc_ip is then a small number (Memorizer's mark for
  /// globals, stacks and untracked objects) is a global where a data symbol
  /// covers its address, else of the type whose code that number is. The
  /// data symbol found on the way is returned, not searched for twice.
  private func siteType(of object: KmapObject) -> (AllocType?, covering: Int?) {
    if let type = object.allocType { return (type, nil) }
    guard object.hasNoAllocationSite else { return (nil, nil) }
    if let covering = symbols.dataSymbol(containing: object.address) { return (.global, covering) }
    guard object.allocIP <= UInt64(UInt8.max) else { return (nil, nil) }
    return (AllocType(rawValue: UInt8(object.allocIP)), nil)
  }

  /// `covering`: the data symbol at the object's address, when already found.
  private mutating func siteKey(for object: KmapObject, type: AllocType?, slab: UInt64, covering: Int? = nil) -> SiteKey {
    let typeCode = type?.rawValue ?? 0xFF
    func pseudo(_ which: PseudoKind, _ typeCode: UInt8) -> SiteKey {
      SiteKey(kind: .pseudo, allocType: typeCode, ref: SymbolRef(value: which.rawValue, resolved: false), slab: 0)
    }
    if object.isPreallocated { return pseudo(.preallocated, typeCode) }
    if let type, type.isStack { return pseudo(.stack, AllocType.stack.rawValue) }
    if let type, type.isGlobal {
      let ref =
        (covering ?? symbols.dataSymbol(containing: object.address)).map { SymbolRef(value: UInt64($0), resolved: true) }
        ?? SymbolRef(value: object.address, resolved: false)
      return SiteKey(kind: .global, allocType: typeCode, ref: ref, slab: 0)
    }
    if object.hasNoAllocationSite || type?.isUntracked == true { return pseudo(.untracked, typeCode) }
    let allocator =
      symbols.function(containing: object.allocIP).map { SymbolRef(value: UInt64($0), resolved: true) }
      ?? SymbolRef(value: object.allocIP, resolved: false)
    return SiteKey(kind: .heap, allocType: typeCode, ref: allocator, slab: slab)
  }

  /// FNV-1a of a slab name; 0 only for none.
  private static func hash(_ slab: Span<UInt8>) -> UInt64 {
    guard !slab.isEmpty else { return 0 }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in slab.indices { hash = (hash ^ UInt64(slab[i])) &* 0x100_0000_01b3 }
    return hash == 0 ? 1 : hash
  }

  /// Keeps the name behind a slab hash; returns the hash.
  private mutating func intern(_ slab: Span<UInt8>, hash: UInt64) -> UInt64 {
    if hash != 0, slabNames[hash] == nil {
      slabNames[hash] = slab.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }
    return hash
  }
}
