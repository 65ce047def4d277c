/// A symbol with the address range it covers.
public struct Symbol: Sendable, Equatable {
  public var name: String
  public var start: UInt64
  /// One past the last address; the next symbol's start where the source gives no size.
  public var end: UInt64
  /// The loadable module it belongs to (kallsyms' `[module]`), nil for the kernel image.
  public var module: String?

  public init(name: String, start: UInt64, end: UInt64, module: String? = nil) {
    self.name = name
    self.start = start
    self.end = end
    self.module = module
  }
}

/// Where symbols came from, for messages and snapshot metadata.
public enum SymbolSourceKind: String, Sendable, Codable {
  case systemMap = "System.map"
  case kallsyms
  case vmlinux
}

/// Functions and data symbols sorted by address, for resolving the
/// addresses a kmap holds. Immutable and shared by every parsing task.
public struct SymbolTable: Sendable {
  public let kind: SymbolSourceKind
  public let functions: [Symbol]
  public let data: [Symbol]
  private let functionStarts: [UInt64]
  private let functionEnds: [UInt64]
  private let dataStarts: [UInt64]
  private let dataEnds: [UInt64]
  private let functionPages: PageIndex

  /// Builds the table; `functions` and `data` may come in any order and may
  /// hold aliases (one address, several names): one name per address is kept.
  public init(kind: SymbolSourceKind, functions: [RankedSymbol], data: [RankedSymbol]) {
    self.kind = kind
    self.functions = Self.sortedUnique(functions)
    self.data = Self.sortedUnique(data)
    // Bounds apart from names: a lookup touches two small arrays, not the symbols.
    functionStarts = self.functions.map(\.start)
    functionEnds = self.functions.map(\.end)
    dataStarts = self.data.map(\.start)
    dataEnds = self.data.map(\.end)
    functionPages = PageIndex(starts: functionStarts)
  }

  /// Index into `functions` of the function containing `address`.
  @inline(__always)
  public func function(containing address: UInt64) -> Int? {
    guard let (low, high) = functionPages.range(of: address) else {
      return Self.lookup(address, starts: functionStarts, ends: functionEnds)
    }
    return Self.lookup(address, starts: functionStarts, ends: functionEnds, low: low, high: high)
  }

  /// Index into `data` of the data symbol containing `address`.
  public func dataSymbol(containing address: UInt64) -> Int? {
    Self.lookup(address, starts: dataStarts, ends: dataEnds)
  }

  /// The address of a symbol named `name` (functions first), for layout checks.
  public func address(of name: String) -> UInt64? {
    functions.first { $0.name == name }?.start ?? data.first { $0.name == name }?.start
  }

  @inline(__always)
  private static func lookup(
    _ address: UInt64, starts: [UInt64], ends: [UInt64], low: Int = 0, high: Int? = nil
  ) -> Int? {
    let low = starts[low..<(high ?? starts.count)].partitionPoint { $0 <= address }
    guard low > 0 else { return nil }
    let index = low - 1
    return address < ends[index] ? index : nil
  }

  /// One symbol per address (the best ranked), sorted; a symbol without a
  /// size ends where the next one starts. Among aliases of one rank, the
  /// name with fewer leading underscores wins: `io_schedule_timeout` over
  /// the linker's `__sched_text_start`, `startup_64` over `_stext`.
  private static func sortedUnique(_ symbols: [RankedSymbol]) -> [Symbol] {
    func underscores(_ name: String) -> Int { name.utf8.prefix { $0 == UInt8(ascii: "_") }.count }
    // Positions are sorted, not symbols, whose names would be retained and
    // released at every move; names are compared only between aliases.
    let starts = symbols.map(\.symbol.start)
    let order = symbols.indices.sorted {
      guard starts[$0] == starts[$1] else { return starts[$0] < starts[$1] }
      let (a, b) = (symbols[$0], symbols[$1])
      return (a.rank, underscores(a.symbol.name), a.symbol.name) < (b.rank, underscores(b.symbol.name), b.symbol.name)
    }
    var result: [Symbol] = []
    result.reserveCapacity(order.count)
    for index in order where result.last?.start != starts[index] {
      result.append(symbols[index].symbol)
    }
    for i in result.indices {
      let next = i + 1 < result.count ? result[i + 1].start : UInt64.max
      if result[i].end <= result[i].start || result[i].end > next {
        // No size known, or a size that runs into the next symbol: stop there.
        result[i].end = next == UInt64.max ? result[i].start &+ 1 : next
      }
    }
    return result
  }
}

/// For each 4 KiB page of the range the functions span, how many functions
/// start before it: a lookup then searches only the few starts near its page.
struct PageIndex: Sendable {
  private let base: UInt64
  private let before: [Int32]

  init(starts: [UInt64]) {
    guard let first = starts.first, let last = starts.last, (last - first) >> 12 < 1 << 22 else {
      base = 0
      before = []
      return
    }
    base = first & ~0xFFF
    let pages = Int((last - base) >> 12) + 2
    var before = [Int32](repeating: 0, count: pages + 1)
    var index = 0
    for page in 0...pages {
      // The pages past a function in the top page of the address space
      // start beyond 2^64: every function starts before them.
      let (pageStart, beyond) = base.addingReportingOverflow(UInt64(page) << 12)
      while index < starts.count, beyond || starts[index] < pageStart { index += 1 }
      before[page] = Int32(index)
    }
    self.before = before
  }

  /// The range of start indexes to search for `address`: the answer is the
  /// last start ≤ address, which lies in `low - 1 ..< high`.
  @inline(__always)
  func range(of address: UInt64) -> (Int, Int)? {
    guard !before.isEmpty, address >= base else { return nil }
    let page = Int(truncatingIfNeeded: (address - base) >> 12)
    guard page + 1 < before.count else { return nil }
    return (Int(before[page]), Int(before[page + 1]))
  }
}

/// A symbol with a preference among aliases at its address: lower wins
/// (global before weak before local).
public struct RankedSymbol: Sendable {
  public var symbol: Symbol
  public var rank: Int

  public init(_ symbol: Symbol, rank: Int) {
    self.symbol = symbol
    self.rank = rank
  }
}
