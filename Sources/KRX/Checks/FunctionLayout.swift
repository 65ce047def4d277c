/// The functions every layout sample of one kernel has, with their address
/// in each sample: what the shuffle and rigid-block checks compare.
struct FunctionLayout {
  /// In the first sample's order.
  let names: [String]
  /// `addresses[sample][function]`.
  let addresses: [[UInt64]]
  /// Each function's size in the first sample: up to the next code symbol.
  let sizes: [UInt64]
  let texts: [UInt64]

  /// Nil for fewer than two samples, or samples without `_text` or functions.
  init?(_ samples: [LayoutSample]) {
    guard samples.count >= 2 else { return nil }
    let texts = samples.compactMap { $0.address(of: "_text") }
    guard texts.count == samples.count else { return nil }
    // In the first sample's order (by address, as kallsyms lists them): a
    // stable order without sorting a hundred thousand names.
    var names: [String] = []
    var addresses = [[UInt64]](repeating: [], count: samples.count)
    var others = [UInt64](repeating: 0, count: samples.count)
    symbols: for symbol in samples[0].symbols
    where LayoutSample.isText(symbol.type) && samples[0].functionAddress(of: symbol.name) == symbol.address {
      for index in samples.indices.dropFirst() {
        guard let address = samples[index].functionAddress(of: symbol.name) else { continue symbols }
        others[index] = address
      }
      names.append(symbol.name)
      addresses[0].append(symbol.address)
      for index in samples.indices.dropFirst() { addresses[index].append(others[index]) }
    }
    guard !names.isEmpty else { return nil }
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
