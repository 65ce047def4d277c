import Testing

@testable import Snapshot

@Suite struct EdgeTableTests {
  private func line(_ key: UInt64, object: UInt64, reads: UInt64 = 1, writes: UInt64 = 0, address: UInt64 = 0x100)
    -> EdgeLine
  {
    EdgeLine(key: key, reads: reads, writes: writes, object: object, address: address)
  }

  /// Each edge's counts once the batches were added, in order.
  private func stats(afterAdding batches: [EdgeLine]...) -> [UInt64: EdgeStats] {
    var table = EdgeTable()
    for batch in batches { table.add(batch.span) }
    var all: [UInt64: EdgeStats] = [:]
    table.forEach { all[$0] = $1 }
    return all
  }

  @Test func objectNumbersNeverHaveALowHalfOfZero() {
    #expect(EdgeTable.objectNumber(after: 0) == 1)
    #expect(EdgeTable.objectNumber(after: 41) == 42)
    #expect(EdgeTable.objectNumber(after: 0xFFFF_FFFF) == 0x1_0000_0001)
    #expect(EdgeTable.objectNumber(after: 0x1_FFFF_FFFF) == 0x2_0000_0001)
  }

  @Test func anObjectCountsOncePerEdgeEvenAcrossBatches() {
    let all = stats(
      afterAdding: [line(7, object: 1), line(7, object: 1), line(8, object: 1)],
      [line(7, object: 1), line(7, object: 2)])
    #expect(all[7]?.objects == 2)
    #expect(all[7]?.reads == 4)
    #expect(all[8]?.objects == 1)
  }

  @Test func objectsPastTwoToTheThirtyTwoAreStillNewObjects() {
    // Slots keep an object's low half: object 2^32 + 5 must not pass for object 5.
    let all = stats(afterAdding: [line(7, object: 5)], [line(7, object: 0x1_0000_0005)])
    #expect(all[7]?.objects == 2)
  }

  @Test func aBatchAcrossTheEpochKeepsItsFirstObjectOnce() {
    let all = stats(
      afterAdding: [line(7, object: 0xFFFF_FFFF)],
      // The object that began in the last batch, then the first two of the next epoch.
      [
        line(7, object: 0xFFFF_FFFF), line(8, object: 0xFFFF_FFFF), line(7, object: 0x1_0000_0001),
        line(7, object: 0x1_0000_0001), line(8, object: 0x1_0000_0002),
      ])
    #expect(all[7]?.objects == 2)
    #expect(all[7]?.reads == 4)
    #expect(all[8]?.objects == 2)
  }

  @Test func countsPastThirtyTwoBitsAreExactAndSaturateAtSixtyFour() {
    let all = stats(
      afterAdding: [
        line(7, object: 1, reads: 3_000_000_000, writes: 1, address: 0x180),
        line(7, object: 2, reads: 3_000_000_000, writes: 2, address: 0x140),
        line(7, object: 3, reads: 5, writes: 0xFFFF_FFFF, address: 0x1C0),
        line(8, object: 3, reads: .max, writes: 1),
        line(8, object: 4, reads: 1, writes: 1),
      ],
      [line(7, object: 3, reads: 1, writes: 1), line(7, object: 4, reads: 1, writes: 1)])
    #expect(all[7]?.reads == 6_000_000_007)
    #expect(all[7]?.writes == 0xFFFF_FFFF + 5)
    #expect(all[7]?.objects == 4)
    #expect(all[7]?.lowestAddress == 0x100)
    #expect(all[8]?.reads == .max)
    #expect(all[8]?.writes == 2)
    #expect(all[8]?.objects == 2)
  }
}
