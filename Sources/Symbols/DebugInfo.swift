#if canImport(Glibc)
  import Glibc
#endif
internal import CDW
import Dispatch
import Input
import Synchronization

/// DWARF of a vmlinux through libdw: the compilation unit (source file) of an
/// address and its line, as paths relative to the kernel tree.
///
/// Sendable by its lock: libdw 0.188 handles are not safe to share, so every
/// call into libdw, and every cache below, is used under `lock`.
public final class DebugInfo: @unchecked Sendable {
  private let lock = Mutex(())
  private let descriptor: Int32
  private let dwarf: OpaquePointer
  private let reducer: SourcePathReducer
  /// Per compilation unit (by DIE offset): its tree-relative path.
  private var unitPaths: [UInt64: String] = [:]
  /// Every unit's address ranges, sorted, built on the first address that
  /// `.debug_aranges` does not cover (some units' aranges omit sections such
  /// as `.noinstr.text`).
  private var unitRanges: [(low: UInt64, high: UInt64, unit: Dwarf_Off)]?
  /// Every global variable's address and the unit defining it, sorted,
  /// built on the first question about a variable: variables are outside
  /// `.debug_aranges`, so only the units' own DIEs tell where one lives.
  private var variableUnits: [(address: UInt64, unit: Dwarf_Off)]?
  /// Whether a line-table file name, as libdw hands it out for a unit, is
  /// that unit's own file: reducing the name to a tree path for every edge's
  /// line cost more than looking the line up. libdw keeps the names for as
  /// long as the handle; DWARF 5 shares them between units, hence the unit.
  private var ownFiles: [FileInUnit: Bool] = [:]

  private struct FileInUnit: Hashable {
    var unit: UInt64
    var name: UInt
  }

  /// Opens the DWARF of `path`; nil when the file has none.
  public convenience init?(path: String, stripPrefixes: [String]) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw InputError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))")
    }
    try self.init(descriptor: fd) { dwarf in
      // Damaged DWARF would leave every function without a file, in silence.
      guard let names = Self.unitNames(dwarf) else {
        throw InputError(
          .unsupportedFormat, file: path,
          "has damaged DWARF: libdw cannot read all of its compilation units (\(String(cString: dwarf_errmsg(-1)))), so their source files are unknown; give an intact vmlinux, or its System.map for names alone")
      }
      return SourcePathReducer(stripPrefixes: stripPrefixes, detectedRoot: SourcePathReducer.detectRoot(names))
    }
  }

  /// Takes `descriptor` over (closing it when there is no DWARF, or `reducer` throws).
  private init?(descriptor: Int32, reducer: (OpaquePointer) throws -> SourcePathReducer) throws {
    guard let dwarf = dwarf_begin(descriptor, DWARF_C_READ) else {
      close(descriptor)
      return nil
    }
    do {
      self.reducer = try reducer(dwarf)
    } catch {
      dwarf_end(dwarf)
      close(descriptor)
      throw error
    }
    self.descriptor = descriptor
    self.dwarf = dwarf
  }

  /// A second handle on the same file (a duplicate of the descriptor, so
  /// the same file even if its path now names another), with its own caches.
  private func secondHandle() -> DebugInfo? {
    let copy = dup(descriptor)
    guard copy >= 0 else { return nil }
    return try? DebugInfo(descriptor: copy) { _ in reducer }
  }

  deinit {
    dwarf_end(dwarf)
    close(descriptor)
  }

  /// The source root found in the compilation units' paths, if any.
  public var detectedRoot: String? { reducer.detectedRoot }

  /// The tree-relative path of the compilation unit holding `address`.
  public func sourceFile(at address: UInt64) -> String? {
    lock.withLock { _ in
      var unit = Dwarf_Die()
      guard findUnit(address, &unit) else { return nil }
      return unitPath(&unit)
    }
  }

  private func findUnit(_ address: UInt64, _ unit: inout Dwarf_Die) -> Bool {
    if dwarf_addrdie(dwarf, address, &unit) != nil { return true }
    let ranges = unitRanges ?? Self.allUnitRanges(dwarf)
    unitRanges = ranges
    let low = ranges.partitionPoint { $0.low <= address }
    guard low > 0, address < ranges[low - 1].high else { return false }
    return dwarf_offdie(dwarf, ranges[low - 1].unit, &unit) != nil
  }

  private static func allUnitRanges(_ dwarf: OpaquePointer) -> [(low: UInt64, high: UInt64, unit: Dwarf_Off)] {
    var ranges: [(low: UInt64, high: UInt64, unit: Dwarf_Off)] = []
    forEachUnit(dwarf) { die, offset in
      var base: Dwarf_Addr = 0
      var start: Dwarf_Addr = 0
      var end: Dwarf_Addr = 0
      var next = dwarf_ranges(&die, 0, &base, &start, &end)
      while next > 0 {
        if end > start { ranges.append((start, end, offset)) }
        next = dwarf_ranges(&die, next, &base, &start, &end)
      }
    }
    return ranges.sorted { $0.low < $1.low }
  }

  /// The tree-relative path of the compilation unit that defines the global
  /// variable starting at `address` (the file whose component owns it).
  public func definingFile(ofVariableAt address: UInt64) -> String? {
    lock.withLock { _ in
      let variables = indexedVariables()
      let low = variables.partitionPoint { $0.address < address }
      var unit = Dwarf_Die()
      guard low < variables.count, variables[low].address == address,
        dwarf_offdie(dwarf, variables[low].unit, &unit) != nil
      else { return nil }
      return unitPath(&unit)
    }
  }

  /// Walks every unit's variables now rather than at the first question
  /// about one: the walk over the whole of a distribution's vmlinux takes
  /// about 0.3 s, which a caller can spend beside other work.
  public func indexVariables() {
    lock.withLock { _ in _ = indexedVariables() }
  }

  private func indexedVariables() -> [(address: UInt64, unit: Dwarf_Off)] {
    if let variableUnits { return variableUnits }
    let variables = Self.allVariableUnits(dwarf)
    variableUnits = variables
    return variables
  }

  /// The variables each unit defines at file scope: a `DW_TAG_variable`
  /// whose location is one `DW_OP_addr` (declarations have none).
  private static func allVariableUnits(_ dwarf: OpaquePointer) -> [(address: UInt64, unit: Dwarf_Off)] {
    var variables: [(address: UInt64, unit: Dwarf_Off)] = []
    forEachUnit(dwarf) { unit, offset in
      var child = Dwarf_Die()
      guard dwarf_child(&unit, &child) == 0 else { return }
      var current = child
      repeat {
        child = current
        guard dwarf_tag(&child) == DW_TAG_variable else { continue }
        var attribute = Dwarf_Attribute()
        var expression: UnsafeMutablePointer<Dwarf_Op>?
        var length = 0
        guard dwarf_attr(&child, UInt32(DW_AT_location), &attribute) != nil,
          dwarf_getlocation(&attribute, &expression, &length) == 0, length == 1, let op = expression,
          op.pointee.atom == UInt8(DW_OP_addr)
        else { continue }
        variables.append((op.pointee.number, offset))
      } while dwarf_siblingof(&child, &current) == 0
    }
    return variables.sorted { $0.address < $1.address }
  }

  /// The lines of many addresses, as `line(at:)` gives them, looked up on
  /// two cores when there are many: here and through a second libdw handle,
  /// each taking the next run of 512 addresses in address order until none
  /// is left, so that each decodes the line tables of mostly its own units.
  /// Decoding them is most of the time a vmlinux adds to recording.
  public func lines(at addresses: [UInt64]) -> [Int?] {
    let distinct = Array(Set(addresses)).sorted()
    let run = 512
    let handles = [self] + (distinct.count > run ? [secondHandle()].compactMap { $0 } : [])
    let next = Mutex(0)
    let answers = Mutex([UInt64: Int?](minimumCapacity: distinct.count))
    DispatchQueue.concurrentPerform(iterations: handles.count) { worker in
      while true {
        let start = next.withLock { next in
          defer { next += run }
          return next
        }
        guard start < distinct.count else { return }
        let found = distinct[start..<min(start + run, distinct.count)].map { ($0, handles[worker].line(at: $0)) }
        answers.withLock { $0.merge(found) { first, _ in first } }
      }
    }
    return answers.withLock { answers in addresses.map { answers[$0] ?? nil } }
  }

  /// The line of `address` in its compilation unit's own file; nil when the
  /// line table puts it in another file (code inlined from a header).
  public func line(at address: UInt64) -> Int? {
    lock.withLock { _ in findLine(address) }
  }

  private func findLine(_ address: UInt64) -> Int? {
    var unit = Dwarf_Die()
    guard findUnit(address, &unit),
      let line = dwarf_getsrc_die(&unit, address)
    else { return nil }
    var number: Int32 = 0
    guard dwarf_lineno(line, &number) == 0, number > 0,
      let cFile = dwarf_linesrc(line, nil, nil)
    else { return nil }
    let key = FileInUnit(unit: UInt64(dwarf_dieoffset(&unit)), name: UInt(bitPattern: cFile))
    let own: Bool
    if let known = ownFiles[key] {
      own = known
    } else {
      own = reducer.reduce(String(cString: cFile), compilationDirectory: compilationDirectory(&unit)) == unitPath(&unit)
      ownFiles[key] = own
    }
    return own ? Int(number) : nil
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

  /// The names of the compilation units, for finding the source root; nil
  /// when libdw cannot read a unit's header or DIE. Units without a name
  /// are valid DWARF (split-DWARF skeletons, type units, dwz's partial
  /// units) and name no source file.
  private static func unitNames(_ dwarf: OpaquePointer) -> [String]? {
    var names: [String] = []
    var misread = false
    let unitTags = Set([DW_TAG_compile_unit, DW_TAG_partial_unit, DW_TAG_type_unit, DW_TAG_skeleton_unit].map(Int32.init))
    let complete = forEachUnit(dwarf) { die, _ in
      // A unit DIE that is no unit: its abbreviations are not what wrote it.
      guard unitTags.contains(dwarf_tag(&die)) else {
        misread = true
        return
      }
      if let cName = dwarf_diename(&die) { names.append(String(cString: cName)) }
    }
    return complete && !misread ? names : nil
  }

  /// Calls `body` with each compilation unit's DIE and its offset; false
  /// when libdw stopped on a unit it could not read rather than at the end.
  @discardableResult
  private static func forEachUnit(_ dwarf: OpaquePointer, _ body: (inout Dwarf_Die, Dwarf_Off) -> Void) -> Bool {
    var offset: Dwarf_Off = 0
    var next: Dwarf_Off = 0
    var headerSize: Int = 0
    while true {
      let status = dwarf_nextcu(dwarf, offset, &next, &headerSize, nil, nil, nil)
      // 1 is the end of the units, -1 a unit libdw cannot read.
      guard status == 0 else { return status == 1 }
      var die = Dwarf_Die()
      let dieOffset = offset + Dwarf_Off(headerSize)
      guard dwarf_offdie(dwarf, dieOffset, &die) != nil else { return false }
      body(&die, dieOffset)
      offset = next
    }
  }
}
