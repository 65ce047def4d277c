import Testing

@testable import Snapshot

@Suite struct SubjectCacheTests {
  @Test func remembersEveryKernelAddressAcrossGrowth() {
    var cache = SubjectCache()
    // More than the initial 65,536 slots hold at three quarters full.
    let addresses = (0..<100_000).map { 0xFFFF_FFFF_8100_0000 + UInt64($0) * 24 }
    for (id, address) in addresses.enumerated() {
      if cache.subject(of: address) != nil { Issue.record("address \(String(address, radix: 16)) known before it was added") }
      cache.insert(address, subject: UInt32(id))
    }
    for (id, address) in addresses.enumerated() where cache.subject(of: address) != UInt32(id) {
      Issue.record("address \(String(address, radix: 16)) lost its subject \(id)")
    }
    #expect(cache.subject(of: 0xFFFF_FFFF_8100_0001) == nil)
  }

  @Test func keepsNoAddressOutsideTheKernelHalf() {
    var cache = SubjectCache()
    cache.insert(0xFFFF_FFFF_8100_0000, subject: 7)
    // Same low half, another high half: never answered from the cache.
    #expect(cache.subject(of: 0x0000_0000_8100_0000) == nil)
    #expect(cache.subject(of: 0xFFFF_8880_8100_0000) == nil)
    cache.insert(0x1000, subject: 3)
    #expect(cache.subject(of: 0x1000) == nil)
    // The one kernel address whose tag would not fit.
    cache.insert(.max, subject: 4)
    #expect(cache.subject(of: .max) == nil)
    #expect(cache.subject(of: 0xFFFF_FFFF_8100_0000) == 7)
  }
}
