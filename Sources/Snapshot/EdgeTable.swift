/// An insertion-ordered hash map from packed 64-bit edge keys to their
/// counts: open addressing with Fibonacci hashing, no per-lookup hasher
/// seeding, and entries that never move when the slot array grows.
struct EdgeTable: Sendable {
  private(set) var keys: [UInt64] = []
  private(set) var stats: [EdgeStats] = []
  /// Entry index + 1 per slot; 0 marks an empty slot.
  private var slots: [UInt32]
  private var shift: UInt64

  init(capacity: Int = 1 << 12) {
    var bits: UInt64 = 4
    while (1 << bits) < capacity * 2 { bits += 1 }
    slots = [UInt32](repeating: 0, count: 1 << Int(bits))
    shift = 64 - bits
  }

  var count: Int { keys.count }

  /// The entry for `key`, created with zero counts when absent.
  @inline(__always)
  mutating func entry(for key: UInt64) -> Int {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    while true {
      let stored = slots[slot]
      if stored == 0 { break }
      if keys[Int(stored) - 1] == key { return Int(stored) - 1 }
      slot = (slot + 1) & mask
    }
    keys.append(key)
    stats.append(EdgeStats())
    slots[slot] = UInt32(keys.count)
    if keys.count * 2 > slots.count { grow() }
    return keys.count - 1
  }

  @inline(__always)
  mutating func add(_ key: UInt64, reads: UInt64, writes: UInt64, newObject: Bool, address: UInt64) {
    let index = entry(for: key)
    stats[index].add(reads: reads, writes: writes, newObject: newObject, address: address)
  }

  private mutating func grow() {
    let size = slots.count * 2
    shift -= 1
    slots = [UInt32](repeating: 0, count: size)
    let mask = size - 1
    for (index, key) in keys.enumerated() {
      var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = UInt32(index + 1)
    }
  }
}

/// Packs a subject id and a site id into one edge key.
@inline(__always)
func edgeKey(subject: UInt32, site: UInt32) -> UInt64 { UInt64(subject) << 32 | UInt64(site) }
