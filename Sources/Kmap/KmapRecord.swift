/// What a kmap object line says (both formats, and split `allocations` lines).
public struct KmapObject: Sendable, Equatable {
  /// The allocating instruction; for untracked objects the alloc type's code,
  /// for preallocated ones `feedbeef`.
  public var allocIP: UInt64
  public var pid: Int64
  /// The object's address (`obj_va_ptr`).
  public var address: UInt64
  public var size: UInt64
  /// Allocation serial (current format) or jiffies (legacy).
  public var allocIndex: UInt64
  public var freeIndex: UInt64
  public var freeIP: UInt64
  /// Nil in the legacy format, which prints no type, and where the kernel
  /// printed `(null)` for it.
  public var allocType: AllocType?
  /// The type of the allocation that took this object's memory with no
  /// free between (`free_ip` `deadbeef` or `fedbeef`), when printed: the
  /// next object's, not this one's.
  public var newAllocType: AllocType?

  public init(
    allocIP: UInt64, pid: Int64, address: UInt64, size: UInt64, allocIndex: UInt64,
    freeIndex: UInt64, freeIP: UInt64, allocType: AllocType?, newAllocType: AllocType?
  ) {
    self.allocIP = allocIP
    self.pid = pid
    self.address = address
    self.size = size
    self.allocIndex = allocIndex
    self.freeIndex = freeIndex
    self.freeIP = freeIP
    self.allocType = allocType
    self.newAllocType = newAllocType
  }

  /// `feedbeef`: memory Memorizer preallocated for itself before tracking began.
  public var isPreallocated: Bool { allocIP == KmapSpecial.preallocated }

  /// The `alloc_ip` is a small number, not an address: the object is untracked.
  public var hasNoAllocationSite: Bool { allocIP < KmapSpecial.firstAddress }
}

/// One access line: code at `address` read or wrote the current object.
public struct KmapAccess: Sendable, Equatable {
  public var address: UInt64
  public var writes: UInt64
  public var reads: UInt64
  /// The accessing task, when the format carries it.
  public var pid: Int64?
  /// The object's allocation index (split `accesses` files only).
  public var objectIndex: UInt64?
  /// A `from:` line (objects of type NONE).
  public var isFrom: Bool

  public init(
    address: UInt64, writes: UInt64, reads: UInt64, pid: Int64?, objectIndex: UInt64? = nil,
    isFrom: Bool = false
  ) {
    self.address = address
    self.writes = writes
    self.reads = reads
    self.pid = pid
    self.objectIndex = objectIndex
    self.isFrom = isFrom
  }
}

/// The special values Memorizer prints in address fields.
public enum KmapSpecial {
  /// `alloc_ip` of objects preallocated before tracking began.
  public static let preallocated: UInt64 = 0xfeed_beef
  /// `free_ip` values that mark a free Memorizer recorded without a caller.
  public static let deadFree: UInt64 = 0xdead_beef
  public static let fedFree: UInt64 = 0xfed_beef
  /// Below this, an `alloc_ip` is an alloc type code rather than an address.
  public static let firstAddress: UInt64 = 0x1000
}

/// Receives the records of a kmap in file order.
///
/// Access lines come in batches: those of the last object (current and
/// legacy formats), or lines that each name their allocation index (split
/// `accesses` files). The slab name and the batch are lent for the duration
/// of the call only.
public protocol KmapSink {
  mutating func object(_ object: KmapObject, slab: Span<UInt8>)
  mutating func accesses(_ batch: Span<KmapAccess>)
  /// Whether a split `accesses` line's allocation index names an object the
  /// sink can join it to; a line whose index it cannot is a malformed line.
  func knowsObject(_ index: UInt64) -> Bool
}

extension KmapSink {
  public func knowsObject(_ index: UInt64) -> Bool { true }
}
