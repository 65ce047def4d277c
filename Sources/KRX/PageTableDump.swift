import Foundation
public import Input

/// The x86 kernel page-table dump (`/sys/kernel/debug/page_tables/kernel`),
/// as arch/x86/mm/dump_pagetables.c prints it: `---[ Name ]---` section
/// headers, then one line per run of equal protections:
///
///     0xffffffff81000000-0xffffffff82200000          18M     ro         PSE     GLB x  pmd
///
/// range, size (`%9lu` and a unit; the last range ends at 0x0000000000000000,
/// its end wrapped round from 2^64), then for present pages `USR`, `RW`/`ro`,
/// `PWT`, `PCD`, `PSE`, `PAT`, `GLB`, `NX`/`x` (and `NR`/`r` with execute-only
/// patches), and the level last.
public struct PageTableDump: Sendable, Equatable {
  public struct Mapping: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    /// The `---[ … ]---` header above it (`High Kernel Mapping`).
    public var section: String
    public var present: Bool
    public var user: Bool
    public var writable: Bool
    public var executable: Bool

    public init(start: UInt64, end: UInt64, section: String, present: Bool, user: Bool, writable: Bool, executable: Bool) {
      self.start = start
      self.end = end
      self.section = section
      self.present = present
      self.user = user
      self.writable = writable
      self.executable = executable
    }

    /// `end` is 0 when the range runs to the top of the address space, so
    /// the size wraps round to the bytes up to 2^64.
    public var size: UInt64 { end &- start }

    /// Whether `address` lies in the mapping.
    public func contains(_ address: UInt64) -> Bool { address >= start && address - start < size }

    /// The bytes of `range` the mapping covers; measured from `start`, since
    /// `end` may have wrapped to 0.
    public func overlap(with range: Range<UInt64>) -> UInt64 {
      guard range.upperBound > start else { return 0 }
      let low = range.lowerBound > start ? range.lowerBound - start : 0
      let high = min(size, range.upperBound - start)
      return high > low ? high - low : 0
    }
  }

  public let name: String
  public let mappings: [Mapping]

  static let levels: Set<Substring> = ["pgd", "p4d", "pud", "pmd", "pte"]
  /// `NR`/`r` (not readable or readable) come from the execute-only memory
  /// patches that kR^X-style kernels carry.
  static let flags: Set<Substring> = ["USR", "RW", "ro", "PWT", "PCD", "PSE", "PAT", "GLB", "NX", "x", "NR", "r"]
  static let units: [Character: UInt64] = ["B": 0, "K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60]

  public init(bytes: [UInt8], name: String) throws(InputError) {
    var mappings: [Mapping] = []
    var section = ""
    let lines = String(decoding: bytes, as: UTF8.self).textLines()
    for (index, raw) in lines.enumerated() {
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      let number = index + 1
      func fail(_ expected: String) -> InputError {
        InputError(.malformedLine, file: name, line: number, column: 1, "\(expected), found '\(line.prefix(80))'")
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || (trimmed.hasPrefix("...") && trimmed.contains("skipped")) { continue }
      if trimmed.hasPrefix("---[") {
        guard trimmed.hasSuffix("]---") else { throw fail("expected a section header '---[ Name ]---'") }
        section = trimmed.dropFirst(4).dropLast(4).trimmingCharacters(in: .whitespaces)
        continue
      }
      let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
      let expected = "expected a page-table line '0xSTART-0xEND  SIZE  [USR] RW|ro [PWT PCD PSE GLB] x|NX LEVEL'"
      guard fields.count >= 3, let dash = fields[0].firstIndex(of: "-"),
        let start = Self.hex(fields[0][..<dash]), let end = Self.hex(fields[0][fields[0].index(after: dash)...]),
        end >= start || end == 0,
        let unit = fields[1].last, let shift = Self.units[unit], let count = UInt64(fields[1].dropLast()),
        let level = fields.last, Self.levels.contains(level)
      else { throw fail(expected) }
      guard count << shift == end &- start else {
        throw fail("the size \(fields[1]) does not match the range \(fields[0])")
      }
      let flags = fields[2..<(fields.count - 1)]
      if let unknown = flags.first(where: { !Self.flags.contains($0) }) {
        throw fail("unknown protection flag '\(unknown)'; \(expected)")
      }
      let present = !flags.isEmpty
      guard !present || flags.contains("RW") != flags.contains("ro"), !present || flags.contains("NX") != flags.contains("x") else {
        throw fail("a present mapping needs exactly one of RW/ro and one of x/NX")
      }
      mappings.append(
        Mapping(
          start: start, end: end, section: section, present: present, user: flags.contains("USR"),
          writable: flags.contains("RW"), executable: flags.contains("x")))
    }
    guard !mappings.isEmpty else {
      throw InputError(
        .unsupportedFormat, file: name,
        "holds no page-table lines: expected the text of /sys/kernel/debug/page_tables/kernel")
    }
    self.name = name
    self.mappings = mappings
  }

  private static func hex(_ text: Substring) -> UInt64? {
    guard text.hasPrefix("0x"), text.count > 2 else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
  }
}

/// The boot log's verdict on W+X mappings (`x86/mm: Checked W+X mappings:
/// passed, no W+X pages found.` or `…: FAILED, 3 W+X pages found.`): the
/// kernel's own walk, with effective permissions, so authoritative. With PTI
/// the kernel walks the user page tables as well and prints a second verdict.
public struct WXBootLog: Sendable, Equatable {
  public let name: String
  /// The W+X pages of every verdict line together; 0 when all passed.
  public let pages: UInt64

  public init(bytes: [UInt8], name: String) throws(InputError) {
    let marker = "Checked W+X mappings:"
    var total: UInt64?
    let lines = String(decoding: bytes, as: UTF8.self).textLines()
    for (index, line) in lines.enumerated() {
      guard let range = line.range(of: marker) else { continue }
      let verdict = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
      if verdict.hasPrefix("passed") {
        total = total ?? 0
        continue
      }
      let words = verdict.split(separator: " ")
      // Digits alone: the kernel prints %lu, and UInt64("+3") would take a sign.
      guard verdict.hasPrefix("FAILED"), words.count >= 2, words[1].utf8.allSatisfy({ UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 }),
        let count = UInt64(words[1])
      else {
        throw InputError(
          .malformedLine, file: name, line: index + 1, column: 1,
          "expected 'Checked W+X mappings: passed, …' or 'Checked W+X mappings: FAILED, N W+X pages found', found '\(line.prefix(100))'")
      }
      let (sum, overflow) = (total ?? 0).addingReportingOverflow(count)
      guard !overflow else {
        throw InputError(
          .malformedLine, file: name, line: index + 1, column: 1,
          "expected W+X page counts that add up to at most 2^64-1 over the log's verdicts, found '\(line.prefix(100))'")
      }
      total = sum
    }
    guard let total else {
      throw InputError(
        .unsupportedFormat, file: name,
        "has no 'Checked W+X mappings:' line: give the boot log (dmesg) of a kernel built with CONFIG_DEBUG_WX")
    }
    self.name = name
    pages = total
  }
}
