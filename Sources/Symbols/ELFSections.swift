internal import CDW
public import Input

/// A vmlinux's section headers: where code sits, for the kR^X text checks.
public struct ELFSections: Sendable, Equatable {
  public struct Section: Sendable, Equatable {
    public var name: String
    public var address: UInt64
    public var size: UInt64
    public var executable: Bool
    public var writable: Bool
    /// Occupies memory at run time (SHF_ALLOC).
    public var allocated: Bool

    public init(name: String, address: UInt64, size: UInt64, executable: Bool, writable: Bool, allocated: Bool) {
      self.name = name
      self.address = address
      self.size = size
      self.executable = executable
      self.writable = writable
      self.allocated = allocated
    }
  }

  public var sections: [Section]

  public init(sections: [Section]) {
    self.sections = sections
  }

  /// Reads the section headers of an ELF file (libelf).
  public init(path: String) throws {
    sections = try ELFSymbolReader.withELF(path: path) { elf in
      var names = 0
      guard elf_getshdrstrndx(elf, &names) == 0 else {
        throw InputError(.unsupportedFormat, file: path, "has no section name table: \(ELFSymbolReader.elfMessage())")
      }
      var sections: [Section] = []
      var scn: OpaquePointer? = nil
      while let next = elf_nextscn(elf, scn) {
        scn = next
        var header = GElf_Shdr()
        guard gelf_getshdr(next, &header) != nil, let name = elf_strptr(elf, names, Int(header.sh_name)) else { continue }
        sections.append(
          Section(
            name: String(cString: name), address: header.sh_addr, size: header.sh_size,
            executable: header.sh_flags & UInt64(SHF_EXECINSTR) != 0, writable: header.sh_flags & UInt64(SHF_WRITE) != 0,
            allocated: header.sh_flags & UInt64(SHF_ALLOC) != 0))
      }
      guard !sections.isEmpty else { throw InputError(.unsupportedFormat, file: path, "has no sections") }
      return sections
    }
  }

  /// The headers as text, one section a line: `NAME<TAB>0xADDRESS<TAB>SIZE<TAB>FLAGS`
  /// with FLAGS from `A` (allocated), `W` (writable) and `X` (executable), or `-`.
  /// A snapshot keeps this instead of the vmlinux.
  public var table: [UInt8] {
    var text = ""
    for section in sections {
      let flags = (section.allocated ? "A" : "") + (section.writable ? "W" : "") + (section.executable ? "X" : "")
      text += "\(section.name)\t0x\(String(section.address, radix: 16))\t\(section.size)\t\(flags.isEmpty ? "-" : flags)\n"
    }
    return Array(text.utf8)
  }

  /// Reads the text of `table`; `name` names it in errors.
  public init(table: [UInt8], name: String) throws(InputError) {
    var sections: [Section] = []
    for (index, line) in String(decoding: table, as: UTF8.self).split(separator: "\n").enumerated() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 4, fields[1].hasPrefix("0x"), let address = UInt64(fields[1].dropFirst(2), radix: 16),
        let size = UInt64(fields[2]), fields[3].allSatisfy({ "AWX-".contains($0) })
      else {
        throw InputError(
          .malformedLine, file: name, line: index + 1, column: 1,
          "expected a section line 'NAME<TAB>0xADDRESS<TAB>SIZE<TAB>FLAGS', found '\(line.prefix(60))'")
      }
      sections.append(
        Section(
          name: String(fields[0]), address: address, size: size, executable: fields[3].contains("X"),
          writable: fields[3].contains("W"), allocated: fields[3].contains("A")))
    }
    self.sections = sections
  }
}
