public import Symbols

/// One kernel layout: a `/proc/kallsyms` of one boot or a `System.map` of one
/// build, reduced to the kernel image's own symbols (module symbols aside).
public struct LayoutSample: Sendable {
  public let name: String
  /// kallsyms: run-time addresses of a boot; System.map: link-time addresses of a build.
  public let kind: SymbolSourceKind
  /// The image's symbols in file order.
  public let symbols: [SymbolMapFile.Entry]
  /// Names that occur exactly once, with their address: a static function
  /// defined in several files has no one place to compare across samples.
  private let unique: [String: UInt64]

  public init(_ map: SymbolMapFile) {
    name = map.name
    kind = map.kind
    symbols = map.entries.filter { $0.module == nil }
    var counts: [String: Int] = [:]
    var addresses: [String: UInt64] = [:]
    for symbol in symbols {
      counts[symbol.name, default: 0] += 1
      addresses[symbol.name] = symbol.address
    }
    unique = addresses.filter { counts[$0.key] == 1 }
  }

  /// The address of a symbol whose name occurs once.
  public func address(of name: String) -> UInt64? { unique[name] }

  /// `[_text, _etext)`, when both markers are there.
  public var textRange: Range<UInt64>? {
    guard let start = address(of: "_text"), let end = address(of: "_etext"), start < end else { return nil }
    return start..<end
  }

  /// Code symbols (`t`/`T`) with unique names inside `[_text, _etext)`: the
  /// functions that layout checks follow from sample to sample.
  public var functions: [String: UInt64] {
    guard let text = textRange else { return [:] }
    var result: [String: UInt64] = [:]
    for symbol in symbols where LayoutSample.isText(symbol.type) && text.contains(symbol.address) {
      if let address = unique[symbol.name] { result[symbol.name] = address }
    }
    return result
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
