internal import CPrefetch

/// The subject id of every kernel address seen, so that the symbol table's
/// search runs once per distinct address.
///
/// A slot is one word: the low half of the address (plus one; 0 marks an
/// empty slot) above the id. Kernel addresses all begin `ffffffff`, so the
/// low half names one; half the bytes of a keyed table keep the ~100 k
/// addresses of a large kmap within the second-level cache, beside the
/// edges. Other addresses are not kept and are searched each time.
struct SubjectCache: Sendable {
  private static let kernelHalf: UInt64 = 0xFFFF_FFFF_0000_0000

  private var slots: [UInt64]
  private var shift: UInt64
  private var count = 0

  init() {
    slots = [UInt64](repeating: 0, count: 1 << 16)
    shift = 64 - 16
  }

  @inline(__always)
  private func home(_ low: UInt64) -> Int {
    Int(truncatingIfNeeded: (low &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The stored tag of `address`, or nil for an address the cache does not keep.
  @inline(__always)
  private static func tag(_ address: UInt64) -> UInt64? {
    guard address & kernelHalf == kernelHalf, address != .max else { return nil }
    return (address & 0xFFFF_FFFF) &+ 1
  }

  /// Starts loading the slot of `address`, ahead of `subject`.
  @inline(__always)
  func prefetch(_ address: UInt64) {
    slots.withUnsafeBufferPointer { capdiff_prefetch($0.baseAddress! + home(address & 0xFFFF_FFFF)) }
  }

  /// The subject of `address`, when known.
  @inline(__always)
  func subject(of address: UInt64) -> UInt32? {
    guard let tag = Self.tag(address) else { return nil }
    var slot = home(tag &- 1)
    while true {
      let word = slots[slot]
      if word >> 32 == tag { return UInt32(truncatingIfNeeded: word) }
      if word == 0 { return nil }
      slot = (slot + 1) & (slots.count - 1)
    }
  }

  /// Remembers the subject of an address `subject(of:)` did not know.
  mutating func insert(_ address: UInt64, subject: UInt32) {
    guard let tag = Self.tag(address) else { return }
    if (count + 1) * 4 > slots.count * 3 { grow() }
    var slot = home(tag &- 1)
    while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
    slots[slot] = tag << 32 | UInt64(subject)
    count += 1
  }

  private mutating func grow() {
    let old = slots
    shift -= 1
    slots = [UInt64](repeating: 0, count: old.count * 2)
    for word in old where word != 0 {
      var slot = home((word >> 32) &- 1)
      while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
      slots[slot] = word
    }
  }
}
