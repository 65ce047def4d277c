#if canImport(Glibc)
  import Glibc
#endif
internal import CDW
import Input

/// DWARF of a vmlinux through libdw: the compilation unit (source file) of an
/// address and its line, as paths relative to the kernel tree.
///
/// Not `Sendable`: libdw handles are used from one thread at a time.
public final class DebugInfo {
  private let descriptor: Int32
  private let dwarf: OpaquePointer
  private let reducer: SourcePathReducer
  /// Per compilation unit (by DIE offset): its tree-relative path.
  private var unitPaths: [UInt64: String] = [:]

  /// Opens the DWARF of `path`; nil when the file has none.
  public init?(path: String, stripPrefixes: [String]) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw InputError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))")
    }
    guard let dwarf = dwarf_begin(fd, DWARF_C_READ) else {
      close(fd)
      return nil
    }
    descriptor = fd
    self.dwarf = dwarf
    reducer = SourcePathReducer(
      stripPrefixes: stripPrefixes,
      detectedRoot: SourcePathReducer.detectRoot(Self.unitNames(dwarf)))
  }

  deinit {
    dwarf_end(dwarf)
    close(descriptor)
  }

  /// The source root found in the compilation units' paths, if any.
  public var detectedRoot: String? { reducer.detectedRoot }

  /// The tree-relative path of the compilation unit holding `address`.
  public func sourceFile(at address: UInt64) -> String? {
    var unit = Dwarf_Die()
    guard dwarf_addrdie(dwarf, address, &unit) != nil else { return nil }
    return unitPath(&unit)
  }

  /// The line of `address` in its compilation unit's own file; nil when the
  /// line table puts it in another file (code inlined from a header).
  public func line(at address: UInt64) -> Int? {
    var unit = Dwarf_Die()
    guard dwarf_addrdie(dwarf, address, &unit) != nil,
      let line = dwarf_getsrc_die(&unit, address)
    else { return nil }
    var number: Int32 = 0
    guard dwarf_lineno(line, &number) == 0, number > 0,
      let cFile = dwarf_linesrc(line, nil, nil)
    else { return nil }
    let file = reducer.reduce(String(cString: cFile), compilationDirectory: compilationDirectory(&unit))
    return file == unitPath(&unit) ? Int(number) : nil
  }

  private func unitPath(_ unit: inout Dwarf_Die) -> String? {
    let offset = UInt64(dwarf_dieoffset(&unit))
    if let known = unitPaths[offset] { return known }
    guard let cName = dwarf_diename(&unit) else { return nil }
    let path = reducer.reduce(String(cString: cName), compilationDirectory: compilationDirectory(&unit))
    unitPaths[offset] = path
    return path
  }

  private func compilationDirectory(_ unit: inout Dwarf_Die) -> String? {
    var attribute = Dwarf_Attribute()
    guard dwarf_attr(&unit, UInt32(DW_AT_comp_dir), &attribute) != nil,
      let cString = dwarf_formstring(&attribute)
    else { return nil }
    return String(cString: cString)
  }

  /// The names of every compilation unit, for finding the source root.
  private static func unitNames(_ dwarf: OpaquePointer) -> [String] {
    var names: [String] = []
    var offset: Dwarf_Off = 0
    var next: Dwarf_Off = 0
    var headerSize: Int = 0
    while dwarf_nextcu(dwarf, offset, &next, &headerSize, nil, nil, nil) == 0 {
      var die = Dwarf_Die()
      if dwarf_offdie(dwarf, offset + Dwarf_Off(headerSize), &die) != nil,
        let cName = dwarf_diename(&die)
      {
        names.append(String(cString: cName))
      }
      offset = next
    }
    return names
  }
}
