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
    var head = [UInt8](repeating: 0, count: 4)
    let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4) }
    return n == 4 && beginsWithMagic(head.span)
  }

  /// Whether `bytes` begin `\x7FELF`.
  static func beginsWithMagic(_ bytes: Span<UInt8>) -> Bool {
    let magic: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]
    return bytes.count >= 4 && magic.indices.allSatisfy { bytes[$0] == magic[$0] }
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
    try check(elf, descriptor: fd, path: path)
    return try body(elf)
  }

  /// Says what is wrong with an ELF file that is no x86-64 kernel image, or
  /// only part of one, before libelf's own words ("invalid `Elf' handle",
  /// or no sections at all) would.
  private static func check(_ elf: OpaquePointer, descriptor: Int32, path: String) throws {
    // Read from the file: libelf hands out no identification it cannot parse.
    var ident = [UInt8](repeating: 0, count: Int(EI_NIDENT))
    guard ident.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, $0.count, 0) }) == ident.count else {
      throw InputError(.unsupportedFormat, file: path, "is too short for an ELF header")
    }
    let (elfClass, data) = (Int32(ident[Int(EI_CLASS)]), Int32(ident[Int(EI_DATA)]))
    guard elfClass == ELFCLASS64, data == ELFDATA2LSB else {
      let what =
        switch (elfClass, data) {
        case (ELFCLASS32, _): "a 32-bit ELF"
        case (ELFCLASS64, ELFDATA2MSB): "a big-endian ELF"
        case (ELFCLASS64, _): "an ELF of no known byte order"
        default: "an ELF of no known class"
        }
      throw InputError(
        .unsupportedFormat, file: path,
        "is \(what) (EI_CLASS \(elfClass), EI_DATA \(data)): capdiff reads 64-bit little-endian kernels (x86-64)")
    }
    guard ident[Int(EI_VERSION)] == EV_CURRENT else {
      throw InputError(
        .unsupportedFormat, file: path, "is an ELF of version \(ident[Int(EI_VERSION)]) (EI_VERSION): ELF has only version 1")
    }
    var header = GElf_Ehdr()
    var info = stat()
    guard gelf_getehdr(elf, &header) != nil, fstat(descriptor, &info) == 0 else {
      throw InputError(.unsupportedFormat, file: path, "has an unreadable ELF header: \(elfMessage())")
    }
    guard header.e_shoff != 0 else {
      throw InputError(.unsupportedFormat, file: path, "has no section header table (e_shoff 0): the symbols of a vmlinux are in its sections")
    }
    let tableEnd = header.e_shoff &+ UInt64(header.e_shentsize) &* UInt64(max(header.e_shnum, 1))
    if tableEnd > UInt64(info.st_size) {
      throw InputError(
        .unsupportedFormat, file: path,
        "is truncated: its section headers end at byte \(tableEnd), past its end at byte \(info.st_size) (a partial copy?)")
    }
  }

  static func read(path: String) throws -> SymbolTable {
    try withELF(path: path) { elf in try read(elf, path: path) }
  }

  private static func read(_ elf: OpaquePointer, path: String) throws -> SymbolTable {
    var sections: [Int: LoadedSection] = [:]
    var symbolSection: OpaquePointer?
    var symbolHeader = GElf_Shdr()
    var section: OpaquePointer? = nil
    while let next = elf_nextscn(elf, section) {
      section = next
      var header = GElf_Shdr()
      guard gelf_getshdr(next, &header) != nil else { continue }
      if header.sh_flags & UInt64(SHF_ALLOC) != 0 {
        sections[elf_ndxscn(next)] = LoadedSection(
          end: header.sh_addr &+ header.sh_size, holdsCode: header.sh_flags & UInt64(SHF_EXECINSTR) != 0)
      }
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
      guard gelf_getsym(table, Int32(index), &entry) != nil, entry.st_value != 0,
        let section = sections[Int(entry.st_shndx)],
        let cName = elf_strptr(elf, Int(symbolHeader.sh_link), Int(entry.st_name)), cName[0] != 0
      else { continue }
      let type = Int32(entry.st_info & 0xF)
      let name = String(cString: cName)
      guard
        let role = SymbolRole(
          type: type, size: entry.st_size, inCode: section.holdsCode, endsSection: entry.st_value == section.end, name: name)
      else { continue }
      let binding = Int32(entry.st_info >> 4)
      // Among aliases, a label (untyped, of no size: __start_ro_after_init)
      // gives way to the object or function it marks, whatever its binding.
      let isLabel = type == STT_NOTYPE && entry.st_size == 0
      let rank = (isLabel ? 3 : 0) + (binding == STB_GLOBAL ? 0 : (binding == STB_WEAK ? 1 : 2))
      // A symbol of no size ends with its section, or at the next symbol
      // before that (SymbolTable): never in the section after.
      let end = entry.st_size > 0 ? entry.st_value &+ entry.st_size : section.end
      let symbol = RankedSymbol(Symbol(name: name, start: entry.st_value, end: end), rank: rank)
      switch role {
      case .function: functions.append(symbol)
      case .data: data.append(symbol)
      }
    }
    guard !functions.isEmpty else {
      throw InputError(.unsupportedFormat, file: path, "has no function symbols in its symbol table")
    }
    return SymbolTable(kind: .vmlinux, functions: functions, data: data)
  }

  /// Where an allocated section ends, and whether it holds code.
  private struct LoadedSection {
    var end: UInt64
    var holdsCode: Bool
  }

  static func elfMessage() -> String {
    elf_errmsg(-1).map { String(cString: $0) } ?? "unknown libelf error"
  }
}

/// What an entry of a vmlinux's symbol table names, if anything a kmap
/// address can resolve to: the symbols `nm` lists, as the kernel's
/// scripts/mksysmap keeps them for System.map, so that a vmlinux names
/// every function and global its System.map names.
enum SymbolRole: Equatable {
  case function
  case data

  /// Prefixes of the names scripts/mksysmap leaves out of System.map:
  /// assembler locals, ARM mapping symbols, export CRCs and the strings of
  /// export tables, EFI stub aliases. (`L0` it leaves out by whole name.)
  static let unlistedPrefixes = [".L", "$", "__crc_", "__kstrtab_", "__kstrtabns_", "__efistub_"]

  /// `inCode`: the entry's section is executable; `endsSection`: it sits at
  /// its section's end, where a label marks the end and covers nothing.
  init?(type: Int32, size: UInt64, inCode: Bool, endsSection: Bool, name: String) {
    guard name != "L0", !Self.unlistedPrefixes.contains(where: name.hasPrefix) else { return nil }
    switch type {
    case STT_FUNC: self = .function
    case STT_OBJECT: self = .data
    case STT_NOTYPE:
      // Untyped entries come from assembly. In code, a sized one is code
      // (error_entry, asm_sysvec_*, sized by SYM_CODE_END); one of no size
      // is a label inside other code (_stext, entry_SYSCALL_64_after_hwframe).
      // In data, they are tables the kernel defines in assembly or through
      // the linker (__ksymtab_*, kallsyms_offsets), in System.map as data.
      if inCode {
        guard size > 0 else { return nil }
        self = .function
      } else {
        guard size > 0 || !endsSection else { return nil }
        self = .data
      }
    default: return nil
    }
  }
}
