import Testing

@testable import Snapshot

@Suite struct KeyedTableTests {
  @Test func aCopyIsUnchangedByChangesToTheOriginal() {
    var table = KeyedTable<UInt64, UInt64>(initial: 0)
    table.update(1) { $0 = 10 }
    let copy = table
    table.update(1) { $0 += 1 }
    table.update(2) { $0 = 20 }
    table.updateAll { $0 *= 2 }
    #expect(copy.value(for: 1) == 10)
    #expect(copy.value(for: 2) == nil)
    #expect(copy.count == 1)
    #expect(table.value(for: 1) == 22)
    #expect(table.value(for: 2) == 40)
  }

  @Test func growingKeepsEveryKeyAndNewKeysStartFromTheInitialValue() {
    var table = KeyedTable<UInt64, UInt64>(initial: 7, capacity: 16)
    // Key 0 is a real key; keys are spread as edge keys are, subject over site.
    let keys = (0..<50_000).map { UInt64($0 % 500) << 32 | UInt64($0 / 500) }
    table.updateEach(keys.count, key: { keys[$0] }) { index, value in value += UInt64(index) }
    table.updateAll { $0 += 1 }
    table.update(UInt64.max - 1) { $0 += 0 }
    #expect(table.count == 50_001)
    for (index, key) in keys.enumerated() where table.value(for: key) != 8 + UInt64(index) {
      Issue.record("key \(key) holds \(String(describing: table.value(for: key)))")
    }
    #expect(table.value(for: UInt64.max - 1) == 7)
    var seen = 0
    table.forEach { _, _ in seen += 1 }
    #expect(seen == 50_001)
  }
}
