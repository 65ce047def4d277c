/// Symbols loaded for symbolizing a kmap: the address table, and DWARF when
/// the source is a vmlinux that carries it.
public final class LoadedSymbols {
  public let table: SymbolTable
  public let debugInfo: DebugInfo?
  /// The file as named by the user.
  public let path: String

  /// Loads `path`: an ELF vmlinux (symbols, and DWARF when present),
  /// a System.map, or a copy of /proc/kallsyms (plain, gzip or zstd).
  public init(path: String, stripPrefixes: [String] = []) throws {
    self.path = path
    if ELFSymbolReader.isELF(path: path) {
      table = try ELFSymbolReader.read(path: path)
      debugInfo = try DebugInfo(path: path, stripPrefixes: stripPrefixes)
    } else {
      table = try SymbolMapParser.parse(path: path)
      debugInfo = nil
    }
  }

  /// Whether subjects will carry source files (DWARF), not just names.
  public var hasFileInformation: Bool { debugInfo != nil }

  /// Whether `path` is an ELF file (a vmlinux) rather than a symbol map.
  public static func isELF(path: String) -> Bool { ELFSymbolReader.isELF(path: path) }
}
