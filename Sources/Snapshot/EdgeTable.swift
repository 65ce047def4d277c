/// A hash map from packed 64-bit edge keys to their counts, for the hot loop
/// of ingest: open addressing with Fibonacci hashing, no per-lookup hasher
/// seeding, and each key stored beside its counts, so that a lookup touches
/// one cache line.
struct EdgeTable: Sendable {
  private struct Slot: Sendable {
    /// The key plus one; 0 marks an empty slot (key 0 is a real edge).
    var storedKey: UInt64 = 0
    var stats = EdgeStats()
  }

  private var slots: [Slot]
  private var shift: UInt64
  private(set) var count = 0

  init(capacity: Int = 1 << 12) {
    var bits: UInt64 = 4
    while (1 << bits) < capacity * 2 { bits += 1 }
    slots = [Slot](repeating: Slot(), count: 1 << Int(bits))
    shift = 64 - bits
  }

  @inline(__always)
  mutating func add(_ key: UInt64, reads: UInt64, writes: UInt64, newObject: Bool, address: UInt64) {
    let stored = key &+ 1
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    while true {
      let found = slots[slot].storedKey
      if found == stored { break }
      if found == 0 {
        slots[slot].storedKey = stored
        count += 1
        if count * 2 > slots.count {
          grow()
          add(key, reads: reads, writes: writes, newObject: newObject, address: address)
          return
        }
        break
      }
      slot = (slot + 1) & mask
    }
    slots[slot].stats.add(reads: reads, writes: writes, newObject: newObject, address: address)
  }

  /// Every edge and its counts, in no particular order.
  func forEach(_ body: (UInt64, EdgeStats) -> Void) {
    for slot in slots where slot.storedKey != 0 { body(slot.storedKey &- 1, slot.stats) }
  }

  private mutating func grow() {
    let old = slots
    shift -= 1
    slots = [Slot](repeating: Slot(), count: old.count * 2)
    let mask = slots.count - 1
    for entry in old where entry.storedKey != 0 {
      var slot = Int(truncatingIfNeeded: ((entry.storedKey &- 1) &* 0x9E37_79B9_7F4A_7C15) >> shift)
      while slots[slot].storedKey != 0 { slot = (slot + 1) & mask }
      slots[slot] = entry
    }
  }
}

/// Packs a subject id and a site id into one edge key.
@inline(__always)
func edgeKey(subject: UInt32, site: UInt32) -> UInt64 { UInt64(subject) << 32 | UInt64(site) }
