import Testing

@testable import Snapshot

@Suite struct EdgeTableTests {
  private func line(_ key: UInt64, object: UInt64, reads: UInt64 = 1, writes: UInt64 = 0, address: UInt64 = 0x100)
    -> EdgeLine
  {
    EdgeLine(key: key, reads: reads, writes: writes, object: object, address: address)
  }

  private func stats(_ table: EdgeTable) -> [UInt64: EdgeStats] {
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
    var table = EdgeTable()
    let lines = [line(7, object: 1), line(7, object: 1), line(8, object: 1)]
    table.add(lines.span)
    let more = [line(7, object: 1), line(7, object: 2)]
    table.add(more.span)
    let all = stats(table)
    #expect(all[7]?.objects == 2)
    #expect(all[7]?.reads == 4)
    #expect(all[8]?.objects == 1)
  }

  @Test func objectsPastTwoToTheThirtyTwoAreStillNewObjects() {
    // Slots keep an object's low half: object 2^32 + 5 must not pass for object 5.
    var table = EdgeTable()
    let first = [line(7, object: 5)]
    table.add(first.span)
    let later = [line(7, object: 0x1_0000_0005)]
    table.add(later.span)
    #expect(stats(table)[7]?.objects == 2)
  }

  @Test func aBatchAcrossTheEpochKeepsItsFirstObjectOnce() {
    var table = EdgeTable()
    let before = [line(7, object: 0xFFFF_FFFF)]
    table.add(before.span)
    // The object that began in the last batch, then the first two of the next epoch.
    let across = [
      line(7, object: 0xFFFF_FFFF), line(8, object: 0xFFFF_FFFF), line(7, object: 0x1_0000_0001),
      line(7, object: 0x1_0000_0001), line(8, object: 0x1_0000_0002),
    ]
    table.add(across.span)
    let all = stats(table)
    #expect(all[7]?.objects == 2)
    #expect(all[7]?.reads == 4)
    #expect(all[8]?.objects == 2)
  }

  @Test func countsPastThirtyTwoBitsAreExactAndSaturateAtSixtyFour() {
    var table = EdgeTable()
    let lines = [
      line(7, object: 1, reads: 3_000_000_000, writes: 1, address: 0x180),
      line(7, object: 2, reads: 3_000_000_000, writes: 2, address: 0x140),
      line(7, object: 3, reads: 5, writes: 0xFFFF_FFFF, address: 0x1C0),
      line(8, object: 3, reads: .max, writes: 1),
      line(8, object: 4, reads: 1, writes: 1),
    ]
    table.add(lines.span)
    let more = [line(7, object: 3, reads: 1, writes: 1), line(7, object: 4, reads: 1, writes: 1)]
    table.add(more.span)
    let all = stats(table)
    #expect(all[7]?.reads == 6_000_000_007)
    #expect(all[7]?.writes == 0xFFFF_FFFF + 5)
    #expect(all[7]?.objects == 4)
    #expect(all[7]?.lowestAddress == 0x100)
    #expect(all[8]?.reads == .max)
    #expect(all[8]?.writes == 2)
    #expect(all[8]?.objects == 2)
  }
}
