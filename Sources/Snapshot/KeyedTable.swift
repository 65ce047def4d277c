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

  /// The slots, from a cache line's start: an array's elements begin 48
  /// bytes into a line once it is large, so that every other 32-byte slot
  /// would straddle two. Copied before a change while shared.
  private final class Slots: @unchecked Sendable {
    let base: UnsafeMutablePointer<Slot>
    let count: Int

    init(repeating slot: Slot, count: Int) {
      base = Self.allocate(count)
      base.initialize(repeating: slot, count: count)
      self.count = count
    }

    init(copying other: Slots) {
      base = Self.allocate(other.count)
      base.initialize(from: other.base, count: other.count)
      count = other.count
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Slot> {
      UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<Slot>.stride * count, alignment: 64)
        .bindMemory(to: Slot.self, capacity: count)
    }

    deinit {
      base.deinitialize(count: count)
      UnsafeMutableRawPointer(base).deallocate()
    }
  }

  private var slots: Slots
  private var shift: UInt64
  /// What a new key's value starts as.
  private let initial: Value
  private(set) var count = 0

  init(initial: Value, capacity: Int = 1 << 12) {
    var bits: UInt64 = 4
    while (1 << bits) < capacity * 2 { bits += 1 }
    self.initial = initial
    slots = Slots(repeating: Slot(storedKey: 0, value: initial), count: 1 << Int(bits))
    shift = 64 - bits
  }

  @inline(__always)
  private func home(_ key: Key) -> Int {
    Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The slots, to change: a copy of their own when they are shared.
  private mutating func unshared() -> UnsafeMutablePointer<Slot> {
    if !isKnownUniquelyReferenced(&slots) { slots = Slots(copying: slots) }
    return slots.base
  }

  /// Starts loading the slot where `key` would be found, ahead of a lookup:
  /// both cache lines when a slot of more than 32 bytes straddles two.
  @inline(__always)
  func prefetch(_ key: Key) {
    let first = UnsafeRawPointer(slots.base + home(key))
    let last = first + (MemoryLayout<Slot>.size - 1)
    capdiff_prefetch(first)
    if UInt(bitPattern: first) >> 6 != UInt(bitPattern: last) >> 6 { capdiff_prefetch(last) }
  }

  @inline(__always)
  func value(for key: Key) -> Value? {
    let stored = key &+ 1
    let mask = slots.count - 1
    let base = slots.base
    var slot = home(key)
    while true {
      let found = base[slot].storedKey
      if found == stored { return base[slot].value }
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
    let base = unshared()
    let mask = slots.count - 1
    var added = 0
    for index in 0..<count {
      guard let key = key(index) else { continue }
      let stored = key &+ 1
      var slot = home(key)
      while true {
        let found = base[slot].storedKey
        if found == stored { break }
        if found == 0 {
          base[slot].storedKey = stored
          added += 1
          break
        }
        slot = (slot + 1) & mask
      }
      body(index, &base[slot].value)
    }
    self.count += added
  }

  /// Changes the value of every key present.
  mutating func updateAll(_ body: (inout Value) -> Void) {
    let base = unshared()
    for slot in 0..<slots.count where base[slot].storedKey != 0 { body(&base[slot].value) }
  }

  /// Every key and its value, in no particular order.
  func forEach(_ body: (Key, Value) -> Void) {
    for slot in 0..<slots.count where slots.base[slot].storedKey != 0 {
      body(slots.base[slot].storedKey &- 1, slots.base[slot].value)
    }
  }

  private mutating func grow() {
    let old = slots
    shift -= 1
    slots = Slots(repeating: Slot(storedKey: 0, value: initial), count: old.count * 2)
    let mask = slots.count - 1
    for index in 0..<old.count where old.base[index].storedKey != 0 {
      let entry = old.base[index]
      var slot = home(entry.storedKey &- 1)
      while slots.base[slot].storedKey != 0 { slot = (slot + 1) & mask }
      slots.base[slot] = entry
    }
  }
}
