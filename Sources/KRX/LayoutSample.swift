public import Symbols

/// One kernel layout: a `/proc/kallsyms` of one boot or a `System.map` of one
/// build, reduced to the kernel image's own symbols (module symbols aside).
public struct LayoutSample: Sendable {
  public let name: String
  /// kallsyms: run-time addresses of a boot; System.map: link-time addresses of a build.
  public let kind: SymbolSourceKind
  /// The image's symbols in file order.
  public let symbols: [SymbolMapFile.Entry]
  /// The index in `symbols` of each name; `repeated` holds the names seen
  /// more than once, which have no one place to compare across samples (a
  /// static function defined in several files).
  private let positions: [String: Int]
  private let repeated: Set<String>
  /// `[_text, _etext)`, when both markers are there.
  public let textRange: Range<UInt64>?

  public init(_ map: SymbolMapFile) {
    name = map.name
    kind = map.kind
    symbols = map.entries.filter { $0.module == nil }
    var positions: [String: Int] = [:]
    positions.reserveCapacity(symbols.count)
    var repeated = Set<String>()
    for (index, symbol) in symbols.enumerated() where positions.updateValue(index, forKey: symbol.name) != nil {
      repeated.insert(symbol.name)
    }
    self.positions = positions
    self.repeated = repeated
    let symbols = self.symbols
    let unique = { (name: String) in repeated.contains(name) ? nil : positions[name].map { symbols[$0].address } }
    if let start = unique("_text"), let end = unique("_etext"), start < end {
      textRange = start..<end
    } else {
      textRange = nil
    }
  }

  /// The names of the image's code symbols: the functions this kernel has.
  public var functionNames: Set<String> { Set(symbols.lazy.filter { Self.isText($0.type) }.map(\.name)) }

  /// The address of a symbol whose name occurs once.
  public func address(of name: String) -> UInt64? {
    guard !repeated.contains(name), let index = positions[name] else { return nil }
    return symbols[index].address
  }

  /// The address of a code symbol (`t`/`T`) whose name occurs once, inside
  /// `[_text, _etext)`: the functions layout checks follow from sample to sample.
  /// The padding before a function (`__pfx_`, CONFIG_FUNCTION_PADDING_ALIGNMENT
  /// from 6.2) and its kCFI preamble (`__cfi_`) are no functions of their
  /// own: they move with it, and counting them would double the functions.
  public func functionAddress(of name: String) -> UInt64? {
    guard let text = textRange, !repeated.contains(name), !Self.paddingPrefixes.contains(where: name.hasPrefix),
      !Self.isLinkerLabel(name), let index = positions[name]
    else { return nil }
    let symbol = symbols[index]
    return Self.isText(symbol.type) && text.contains(symbol.address) ? symbol.address : nil
  }

  static let paddingPrefixes = ["__pfx_", "__cfi_"]

  /// The linker script's labels in the text (vmlinux.lds.S, vmlinux.lds.h):
  /// `_text` and `_stext` mark where `startup_64` begins, the others where
  /// a section of the text begins or ends. Typed `T` like functions, they
  /// are none.
  static func isLinkerLabel(_ name: String) -> Bool {
    ["_text", "_stext", "_etext", "_sinittext", "_einittext", "__indirect_thunk_start", "__indirect_thunk_end"]
      .contains(name) || (name.hasPrefix("__") && (name.hasSuffix("_text_start") || name.hasSuffix("_text_end")))
  }

  static func isText(_ type: UInt8) -> Bool { type == UInt8(ascii: "t") || type == UInt8(ascii: "T") }

  static func isData(_ type: UInt8) -> Bool { "dDbBrR".utf8.contains(type) }
}

extension [LayoutSample] {
  /// `3 kallsyms samples (boots)`, `2 System.map samples (builds)`, or both.
  var basis: String {
    let boots = filter { $0.kind == .kallsyms }.count
    let builds = count - boots
    var parts: [String] = []
    if boots > 0 { parts.append("\(boots) kallsyms sample\(boots == 1 ? "" : "s") (boots)") }
    if builds > 0 { parts.append("\(builds) System.map sample\(builds == 1 ? "" : "s") (builds)") }
    return parts.isEmpty ? "no layout samples" : parts.joined(separator: " and ")
  }
}

