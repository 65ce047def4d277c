/// The subject id of every kernel address seen, so that the symbol table's
/// search runs once per distinct address.
///
/// Kernel addresses all begin `ffffffff`, so the low half names one: keyed
/// by it, a slot is one word, and the ~100 k addresses of a large kmap stay
/// within the second-level cache beside the edges. Other addresses are not
/// kept and are searched each time.
struct SubjectCache: Sendable {
  private var table = KeyedTable<UInt32, UInt32>(initial: 0, capacity: 1 << 15)

  /// The key of `address`, or nil for one the cache does not keep
  /// (`ffffffffffffffff` too, as the table cannot store `UInt32.max`).
  @inline(__always)
  private static func key(_ address: UInt64) -> UInt32? {
    let kernelHalf: UInt64 = 0xFFFF_FFFF_0000_0000
    guard address & kernelHalf == kernelHalf, address != .max else { return nil }
    return UInt32(truncatingIfNeeded: address)
  }

  /// Starts loading the slot of `address`, ahead of `subject`.
  @inline(__always)
  func prefetch(_ address: UInt64) {
    if let key = Self.key(address) { table.prefetch(key) }
  }

  /// The subject of `address`, when known.
  @inline(__always)
  func subject(of address: UInt64) -> UInt32? {
    Self.key(address).flatMap { table.value(for: $0) }
  }

  /// Remembers the subject of an address `subject(of:)` did not know.
  mutating func insert(_ address: UInt64, subject: UInt32) {
    guard let key = Self.key(address) else { return }
    table.update(key) { $0 = subject }
  }
}
