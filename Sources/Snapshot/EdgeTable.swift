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

  /// Adds access lines, each of an object numbered so that the number
  /// differs for every object the table sees.
  @inline(__always)
  mutating func add(_ lines: Span<EdgeLine>) {
    table.updateEach(lines.count, key: { lines[$0].key }) { index, entry in
      let line = lines[index]
      let newObject = entry.lastObject != line.object
      entry.lastObject = line.object
      entry.stats.add(reads: line.reads, writes: line.writes, newObject: newObject, address: line.address)
    }
  }

  @inline(__always)
  func prefetch(_ key: UInt64) { table.prefetch(key) }

  /// Every edge and its counts, in no particular order.
  func forEach(_ body: (UInt64, EdgeStats) -> Void) {
    table.forEach { key, entry in body(key, entry.stats) }
  }
}

/// One access line bound for an edge.
struct EdgeLine: Sendable {
  var key: UInt64
  var reads: UInt64
  var writes: UInt64
  var object: UInt64
  var address: UInt64
}

/// Packs a subject id and a site id into one edge key.
@inline(__always)
func edgeKey(subject: UInt32, site: UInt32) -> UInt64 { UInt64(subject) << 32 | UInt64(site) }
