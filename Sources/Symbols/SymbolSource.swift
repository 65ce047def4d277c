import Input
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
      // Debug sections libdw cannot open would pass for a vmlinux without
      // DWARF, every function without a file, in silence.
      if debugInfo == nil, try ELFSections(path: path).sections.contains(where: { $0.name == ".debug_info" || $0.name == ".zdebug_info" }) {
        throw InputError(
          .unsupportedFormat, file: path,
          "has DWARF that libdw cannot open: zstd-compressed debug sections (CONFIG_DEBUG_INFO_COMPRESSED_ZSTD), which elfutils reads from 0.189 on? Decompress them with 'objcopy --decompress-debug-sections', or give its System.map for names alone")
      }
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
