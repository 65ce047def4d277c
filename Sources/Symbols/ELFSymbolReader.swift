#if canImport(Glibc)
  import Glibc
#endif
internal import CDW
import Input

/// Reads function and data symbols from an ELF file's symbol table (libelf).
enum ELFSymbolReader {
  /// The ELF magic number, for telling a vmlinux from a text symbol map.
  static func isELF(path: String) -> Bool {
    // libelf maps a vmlinux, which needs a regular file; peeking at a pipe
    // would also take its first bytes from the symbol map parser.
    guard InputFile.isRegularFile(path) else { return false }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var magic = [UInt8](repeating: 0, count: 4)
    let n = magic.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4) }
    return n == 4 && magic == [0x7F, 0x45, 0x4C, 0x46]
  }

  /// Opens `path` with libelf for the length of `body`.
  static func withELF<T>(path: String, _ body: (OpaquePointer) throws -> T) throws -> T {
    elf_version(UInt32(EV_CURRENT))
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw InputError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
      throw InputError(.unsupportedFormat, file: path, "libelf cannot read it: \(elfMessage())")
    }
    defer { elf_end(elf) }
    return try body(elf)
  }

  static func read(path: String) throws -> SymbolTable {
    try withELF(path: path) { elf in try read(elf, path: path) }
  }

  private static func read(_ elf: OpaquePointer, path: String) throws -> SymbolTable {

    // Which sections hold code: the entry code (entry_SYSCALL_64,
    // error_entry, asm_sysvec_*) is sized but untyped, and is code all the same.
    var executable = Set<Int>()
    var symbolSection: OpaquePointer?
    var symbolHeader = GElf_Shdr()
    var section: OpaquePointer? = nil
    while let next = elf_nextscn(elf, section) {
      section = next
      var header = GElf_Shdr()
      guard gelf_getshdr(next, &header) != nil else { continue }
      if header.sh_flags & UInt64(SHF_EXECINSTR) != 0 { executable.insert(elf_ndxscn(next)) }
      if header.sh_type == SHT_SYMTAB {
        symbolSection = next
        symbolHeader = header
      }
    }
    guard let symbolSection, let table = elf_getdata(symbolSection, nil) else {
      throw InputError(
        .unsupportedFormat, file: path,
        "has no symbol table (.symtab): it was stripped; give the unstripped vmlinux (from the -dbg package) or its System.map"
      )
    }
    let count = Int(symbolHeader.sh_entsize == 0 ? 0 : symbolHeader.sh_size / symbolHeader.sh_entsize)
    var functions: [RankedSymbol] = []
    var data: [RankedSymbol] = []
    functions.reserveCapacity(count / 2)
    for index in 0..<count {
      var entry = GElf_Sym()
      guard gelf_getsym(table, Int32(index), &entry) != nil else { continue }
      let type = Int32(entry.st_info & 0xF)
      let binding = Int32(entry.st_info >> 4)
      guard entry.st_shndx != UInt16(SHN_UNDEF), entry.st_shndx < UInt16(SHN_LORESERVE),
        entry.st_value != 0,
        let cName = elf_strptr(elf, Int(symbolHeader.sh_link), Int(entry.st_name)), cName[0] != 0
      else { continue }
      // Untyped symbols of no size are labels (_stext, __entry_text_start).
      let isCode = type == STT_NOTYPE && entry.st_size > 0 && executable.contains(Int(entry.st_shndx))
      let isFunction = type == STT_FUNC || isCode
      let isData = type == STT_OBJECT
      guard isFunction || isData else { continue }
      let name = String(cString: cName)
      let rank = binding == STB_GLOBAL ? 0 : (binding == STB_WEAK ? 1 : 2)
      let symbol = Symbol(name: name, start: entry.st_value, end: entry.st_value &+ entry.st_size)
      if isFunction {
        functions.append(RankedSymbol(symbol, rank: rank))
      } else {
        data.append(RankedSymbol(symbol, rank: rank))
      }
    }
    guard !functions.isEmpty else {
      throw InputError(.unsupportedFormat, file: path, "has no function symbols in its symbol table")
    }
    return SymbolTable(kind: .vmlinux, functions: functions, data: data)
  }

  static func elfMessage() -> String {
    elf_errmsg(-1).map { String(cString: $0) } ?? "unknown libelf error"
  }
}
