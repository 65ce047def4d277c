internal import CPrefetch

/// A hash map from integer keys to values, for the hot loop of ingest: open
/// addressing with Fibonacci hashing and no per-lookup hasher seeding, each
/// key stored beside its value, so that a lookup touches one cache line.
/// `Key.max` cannot be stored.
struct KeyedTable<Key: FixedWidthInteger & UnsignedInteger & Sendable, Value: Sendable>: Sendable {
  private struct Slot: Sendable {
    /// The key plus one; 0 marks an empty slot (key 0 is a real key).
    var storedKey: Key
    var value: Value
  }

  private var slots: [Slot]
  private var shift: UInt64
  /// What a new key's value starts as.
  private let initial: Value
  private(set) var count = 0

  init(initial: Value, capacity: Int = 1 << 12) {
    var bits: UInt64 = 4
    while (1 << bits) < capacity * 2 { bits += 1 }
    self.initial = initial
    slots = [Slot](repeating: Slot(storedKey: 0, value: initial), count: 1 << Int(bits))
    shift = 64 - bits
  }

  @inline(__always)
  private func home(_ key: Key) -> Int { Self.home(key, shift: shift) }

  @inline(__always)
  private static func home(_ key: Key, shift: UInt64) -> Int {
    Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// Starts loading the slot where `key` would be found, ahead of a lookup:
  /// both cache lines when the slot straddles two, as every other 48-byte
  /// slot does, or the counts at its end are a second miss.
  @inline(__always)
  func prefetch(_ key: Key) {
    slots.withUnsafeBufferPointer {
      let first = UnsafeRawPointer($0.baseAddress! + home(key))
      let last = first + (MemoryLayout<Slot>.size - 1)
      capdiff_prefetch(first)
      if UInt(bitPattern: first) >> 6 != UInt(bitPattern: last) >> 6 { capdiff_prefetch(last) }
    }
  }

  @inline(__always)
  func value(for key: Key) -> Value? {
    let stored = key &+ 1
    let mask = slots.count - 1
    var slot = home(key)
    while true {
      let found = slots[slot].storedKey
      if found == stored { return slots[slot].value }
      if found == 0 { return nil }
      slot = (slot + 1) & mask
    }
  }

  /// Lets `body` change the value of `key`, which starts as `initial` when new.
  @inline(__always)
  mutating func update(_ key: Key, _ body: (inout Value) -> Void) {
    updateEach(1, key: { _ in key }) { _, value in body(&value) }
  }

  /// Changes the values of `count` keys in one go: `key(i)` names the i-th
  /// (nil skips it) and `body(i, &value)` changes its value, which starts as
  /// `initial` when new. Room for all of them is made first, so that the
  /// slots are changed in place, without a uniqueness check for each.
  @inline(__always)
  mutating func updateEach(_ count: Int, key: (Int) -> Key?, _ body: (Int, inout Value) -> Void) {
    // Up to three quarters full: the table stays small enough to be cached,
    // and a lookup rarely probes past the next slot.
    while (self.count + count) * 4 > slots.count * 3 { grow() }
    let shift = shift
    var added = 0
    slots.withUnsafeMutableBufferPointer { slots in
      let mask = slots.count - 1
      for index in 0..<count {
        guard let key = key(index) else { continue }
        let stored = key &+ 1
        var slot = Self.home(key, shift: shift)
        while true {
          let found = slots[slot].storedKey
          if found == stored { break }
          if found == 0 {
            slots[slot].storedKey = stored
            added += 1
            break
          }
          slot = (slot + 1) & mask
        }
        body(index, &slots[slot].value)
      }
    }
    self.count += added
  }

  /// Changes the value of every key present.
  mutating func updateAll(_ body: (inout Value) -> Void) {
    for index in slots.indices where slots[index].storedKey != 0 { body(&slots[index].value) }
  }

  /// Every key and its value, in no particular order.
  func forEach(_ body: (Key, Value) -> Void) {
    for slot in slots where slot.storedKey != 0 { body(slot.storedKey &- 1, slot.value) }
  }

  private mutating func grow() {
    let old = slots
    shift -= 1
    slots = [Slot](repeating: Slot(storedKey: 0, value: initial), count: old.count * 2)
    let mask = slots.count - 1
    for entry in old where entry.storedKey != 0 {
      var slot = home(entry.storedKey &- 1)
      while slots[slot].storedKey != 0 { slot = (slot + 1) & mask }
      slots[slot] = entry
    }
  }
}
