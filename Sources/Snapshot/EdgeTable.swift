/// The edges one worker has aggregated, keyed by subject and site packed
/// into 64 bits (`edgeKey`).
///
/// A slot is 32 bytes with its key, half a cache line: the table of a large
/// kmap's ~92 k edges is bigger than the second-level cache, and every
/// access line waits on its slot. So counts are kept in 32 bits, and one
/// about to run over moves, with the others of its edge, to `overflow`; and
/// an object's number is kept by its low 32 bits, which `objectNumber(after:)`
/// never makes 0 and which are reset when the high bits change.
struct EdgeTable: Sendable {
  private struct Entry: Sendable {
    /// The low half of the last object that counted for this edge, so that
    /// an object counts once per edge however many of its lines land here.
    var lastObject: UInt32 = 0
    var objects: UInt32 = 0
    var reads: UInt32 = 0
    var writes: UInt32 = 0
    var lowestAddress: UInt64 = .max

    var stats: EdgeStats {
      EdgeStats(
        reads: UInt64(reads), writes: UInt64(writes), objects: UInt64(objects), lowestAddress: lowestAddress)
    }
  }

  private var table = KeyedTable<UInt64, Entry>(initial: Entry())
  /// Counts that left the table's 32-bit fields, by edge.
  private var overflow: [UInt64: EdgeStats] = [:]
  /// The high half of the object numbers the slots' `lastObject`s belong to.
  private var epoch: UInt64 = 0

  var count: Int { table.count }

  /// The number of the object after `number`: the next, except that the low
  /// half is never 0, which a new slot's `lastObject` holds.
  static func objectNumber(after number: UInt64) -> UInt64 {
    let next = number &+ 1
    return UInt32(truncatingIfNeeded: next) == 0 ? next &+ 1 : next
  }

  /// Adds access lines, in the order their objects were numbered
  /// (`objectNumber(after:)`).
  @inline(__always)
  mutating func add(_ lines: Span<EdgeLine>) {
    // Lines never go back to an earlier object: a batch whose last line is of
    // this epoch lies in it whole.
    if _fastPath(lines.isEmpty || lines[lines.count - 1].object >> 32 == epoch) {
      addInEpoch(lines)
    } else {
      addAcrossEpochs(lines)
    }
  }

  @inline(never)
  private mutating func addAcrossEpochs(_ lines: Span<EdgeLine>) {
    var start = 0
    while start < lines.count {
      var end = start
      while end < lines.count, lines[end].object >> 32 == epoch { end += 1 }
      addInEpoch(lines.extracting(start..<end))
      guard end < lines.count else { return }
      // A later object may share an earlier one's low half: every slot is
      // set to 0, which no object's low half is, so that it counts anew.
      table.updateAll { $0.lastObject = 0 }
      epoch = lines[end].object >> 32
      start = end
    }
  }

  @inline(__always)
  private mutating func addInEpoch(_ lines: Span<EdgeLine>) {
    var spilled: [(key: UInt64, stats: EdgeStats)] = []
    table.updateEach(lines.count, key: { lines[$0].key }) { index, entry in
      let line = lines[index]
      let object = UInt32(truncatingIfNeeded: line.object)
      let newObject = entry.lastObject != object
      entry.lastObject = object
      if line.address < entry.lowestAddress { entry.lowestAddress = line.address }
      // Sums in 64 bits cannot wrap while a line's counts stay below 2^32.
      let reads = UInt64(entry.reads) &+ line.reads
      let writes = UInt64(entry.writes) &+ line.writes
      let objects = UInt64(entry.objects) &+ (newObject ? 1 : 0)
      if _fastPath((reads | writes | objects | line.reads | line.writes) >> 32 == 0) {
        entry.reads = UInt32(truncatingIfNeeded: reads)
        entry.writes = UInt32(truncatingIfNeeded: writes)
        entry.objects = UInt32(truncatingIfNeeded: objects)
      } else {
        var stats = entry.stats
        stats.add(reads: line.reads, writes: line.writes, newObject: newObject, address: line.address)
        spilled.append((line.key, stats))
        (entry.reads, entry.writes, entry.objects) = (0, 0, 0)
      }
    }
    for (key, stats) in spilled { overflow[key, default: EdgeStats()].merge(stats) }
  }

  @inline(__always)
  func prefetch(_ key: UInt64) { table.prefetch(key) }

  /// Every edge and its counts, in no particular order.
  func forEach(_ body: (UInt64, EdgeStats) -> Void) {
    table.forEach { key, entry in
      var stats = entry.stats
      if !overflow.isEmpty, let spilled = overflow[key] { stats.merge(spilled) }
      body(key, stats)
    }
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
