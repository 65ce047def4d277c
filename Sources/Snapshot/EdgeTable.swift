/// The edges one worker has aggregated, keyed by subject and site packed
/// into 64 bits (`edgeKey`).
struct EdgeTable: Sendable {
  private struct Entry: Sendable {
    /// The last object that counted for this edge, so that an object
    /// counts once per edge however many of its access lines land here.
    var lastObject: UInt64 = 0
    var stats = EdgeStats()
  }

  private var table = KeyedTable<UInt64, Entry>(initial: Entry())

  var count: Int { table.count }

  /// Adds one access line of `object`, a number that differs for every
  /// object the table sees (0 is never one).
  @inline(__always)
  mutating func add(_ key: UInt64, reads: UInt64, writes: UInt64, object: UInt64, address: UInt64) {
    table.update(key) { entry in
      let newObject = entry.lastObject != object
      entry.lastObject = object
      entry.stats.add(reads: reads, writes: writes, newObject: newObject, address: address)
    }
  }

  @inline(__always)
  func prefetch(_ key: UInt64) { table.prefetch(key) }

  /// Every edge and its counts, in no particular order.
  func forEach(_ body: (UInt64, EdgeStats) -> Void) {
    table.forEach { key, entry in body(key, entry.stats) }
  }
}

/// Packs a subject id and a site id into one edge key.
@inline(__always)
func edgeKey(subject: UInt32, site: UInt32) -> UInt64 { UInt64(subject) << 32 | UInt64(site) }
