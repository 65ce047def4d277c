/// The functions every layout sample of one kernel has, with their address
/// in each sample: what the shuffle and rigid-block checks compare.
struct FunctionLayout {
  /// Sorted, for stable output.
  let names: [String]
  /// `addresses[sample][function]`.
  let addresses: [[UInt64]]
  /// Each function's size in the first sample: up to the next code symbol.
  let sizes: [UInt64]
  let texts: [UInt64]

  init?(_ samples: [LayoutSample]) {
    let tables = samples.map(\.functions)
    let texts = samples.compactMap { $0.address(of: "_text") }
    guard let first = tables.first, !first.isEmpty, texts.count == samples.count else { return nil }
    let names = first.keys.filter { name in tables.dropFirst().allSatisfy { $0[name] != nil } }.sorted()
    let addresses = tables.map { table in names.map { table[$0]! } }
    self.names = names
    self.addresses = addresses
    self.texts = texts
    // Sizes from every code symbol of the first sample, shared names included.
    let starts = samples[0].symbols.lazy.filter { LayoutSample.isText($0.type) }.map(\.address).sorted()
    let end = samples[0].textRange?.upperBound ?? (starts.last ?? 0)
    // Aliases (several names at one address) count their bytes once.
    var sized = Set<UInt64>()
    sizes = addresses[0].map { address in
      guard sized.insert(address).inserted else { return 0 }
      var (low, high) = (0, starts.count)
      while low < high {
        let mid = (low + high) / 2
        if starts[mid] <= address { low = mid + 1 } else { high = mid }
      }
      return (low < starts.count ? starts[low] : max(end, address)) - address
    }
  }

  /// Whether function `index` sits at a different offset from `_text` in some sample.
  func moves(_ index: Int) -> Bool {
    let offset = addresses[0][index] &- texts[0]
    return addresses.indices.dropFirst().contains { addresses[$0][index] &- texts[$0] != offset }
  }
}
