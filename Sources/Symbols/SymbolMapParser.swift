import Input

/// Reads `System.map` and `/proc/kallsyms`: `ADDRESS TYPE NAME` lines, with
/// `\t[module]` after module symbols in kallsyms.
enum SymbolMapParser {
  static func text(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> String {
    bytes.extracting(start..<end).withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
  }

  /// Hex digits, with or without `0x`; nil for anything else or more than 16 digits.
  static func hexValue(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
    var i = start
    if end - i > 2, bytes[i] == UInt8(ascii: "0"), bytes[i + 1] | 0x20 == UInt8(ascii: "x") { i += 2 }
    guard end > i, end - i <= 16 else { return nil }
    // A 64-bit kernel's addresses are all 16 digits.
    if end - i == 16 {
      guard let high = hexWord(bytes, at: i), let low = hexWord(bytes, at: i + 8) else { return nil }
      return UInt64(high) << 32 | UInt64(low)
    }
    var value: UInt64 = 0
    while i < end {
      let c = bytes[i] | 0x20
      let digit: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
      default: return nil
      }
      value = value << 4 | UInt64(digit)
      i += 1
    }
    return value
  }

  static func parse(path: String) throws -> SymbolTable {
    let map = try SymbolMapFile(path: path)
    // The maps give no sizes: a symbol ends where the next code or data
    // symbol of its module (or of the image) starts; absolute and other
    // symbols mark no extent.
    // Entries come module by module: a run of one module is added at once,
    // not hashed entry by entry.
    var startsByModule: [String?: [UInt64]] = [:]
    var runStart = 0
    for index in map.entries.indices {
      let module = map.entries[index].module
      guard index + 1 == map.entries.count || map.entries[index + 1].module != module else { continue }
      startsByModule[module, default: []].append(
        contentsOf: map.entries[runStart...index].lazy.filter { $0.kind != .other }.map(\.address))
      runStart = index + 1
    }
    for module in startsByModule.keys { startsByModule[module]!.sort() }
    // Entries come module by module: the starts are looked up once a run.
    var module: String?? = .none
    var starts: [UInt64] = []
    func end(of entry: SymbolMapFile.Entry) -> UInt64 {
      if module != .some(entry.module) {
        module = .some(entry.module)
        starts = startsByModule[entry.module]!
      }
      let low = starts.partitionPoint { $0 <= entry.address }
      // The last symbol of a module, or one whose next lies in another
      // region (per-CPU offsets below the image), runs to the end of its
      // page, where a module's text or the region ends, and no further.
      let lastByte = entry.address | 0xFFF
      guard low < starts.count, starts[low] >> 32 == entry.address >> 32 else {
        return lastByte == .max ? .max : lastByte + 1
      }
      return starts[low]
    }
    var functions: [RankedSymbol] = []
    var data: [RankedSymbol] = []
    for entry in map.entries {
      let kind = entry.kind
      // A region's end label ends the symbol before it and owns nothing:
      // `_etext` would take the padding up to `__start_rodata`, and `_edata`
      // the name of `__start___bug_table`, which starts at the same address.
      guard kind != .other, !entry.marksRegionEnd else { continue }
      // Global before weak before local, as the name a reader expects.
      let type = entry.type
      let rank = type < UInt8(ascii: "a") ? (type == UInt8(ascii: "W") || type == UInt8(ascii: "V") ? 1 : 0) : 2
      let symbol = Symbol(
        name: entry.name, start: entry.address, end: end(of: entry), module: entry.module)
      if kind == .text {
        functions.append(RankedSymbol(symbol, rank: rank))
      } else {
        data.append(RankedSymbol(symbol, rank: rank))
      }
    }
    guard !functions.isEmpty || !data.isEmpty else {
      throw InputError(
        .unsupportedFormat, file: map.name,
        "holds no function or data symbols: expected System.map or /proc/kallsyms lines 'ADDRESS TYPE NAME'")
    }
    return SymbolTable(kind: map.kind, functions: functions, data: data)
  }
}

/// Every line of a `System.map` or `/proc/kallsyms`, in file order, with its
/// nm type letter: what layout checks compare between boots and builds.
public struct SymbolMapFile: Sendable {
  public struct Entry: Sendable, Equatable {
    public var address: UInt64
    /// nm's type letter as a byte: `T`/`t` code, `D`/`d`/`B`/`b`/`R`/`r` data, …
    public var type: UInt8
    public var name: String
    /// kallsyms' `[module]`, nil for the kernel image.
    public var module: String?

    /// What an nm type letter marks: code, data, or (absolute `A`,
    /// `U`ndefined, `N`…) nothing that has an extent.
    enum Kind: Sendable { case text, data, other }

    /// A linker script's label for where a region ends (`_etext`, `_edata`,
    /// `__indirect_thunk_end`, `__stop___bug_table`), as x86's vmlinux.lds.S
    /// and vmlinux.lds.h define them. Named one by one: functions and
    /// tracepoints end in `_end` too (`__delayacct_blkio_end`,
    /// `__tracepoint_workqueue_execute_end`), and functions begin `__stop_`
    /// (`__stop_tty`), so only data symbols go by the `__stop_`/`__end_` prefix.
    var marksRegionEnd: Bool {
      // Every such label begins with an underscore; most names do not.
      name.utf8.first == UInt8(ascii: "_")
        && (Self.regionEnds.contains(name)
          || (kind == .data && (name.hasPrefix("__stop_") || name.hasPrefix("__end_"))))
    }

    private static let regionEnds: Set<String> = [
      // Text
      "_etext", "_einittext", "__indirect_thunk_end", "__entry_text_end", "__irqentry_text_end",
      "__softirqentry_text_end", "__sched_text_end", "__cpuidle_text_end", "__noinstr_text_end", "__lock_text_end",
      "__kprobes_text_end", "__static_call_text_end",
      // Data
      "_edata", "_end", "__bss_stop", "__brk_limit", "__init_end", "__init_scratch_end", "__initcall_end",
      "__con_initcall_end", "__setup_end", "__per_cpu_end", "__nosave_end", "__smp_locks_end", "__alt_instructions_end",
      "__parainstructions_end", "__retpoline_sites_end", "__return_sites_end", "__call_sites_end",
      "__ibt_endbr_seal_end", "__x86_cpu_dev_end", "__apicdrivers_end", "__dtb_end", "__earlycon_table_end",
      "__governor_thermal_table_end", "__irqchip_acpi_probe_table_end", "__timer_acpi_probe_table_end",
      "__kunit_suites_end", "__kunit_init_suites_end", "__cert_list_end", "__module_cert_end", "__irf_end",
    ]

    var kind: Kind {
      switch type | 0x20 {
      case UInt8(ascii: "t"), UInt8(ascii: "w"): .text
      case UInt8(ascii: "d"), UInt8(ascii: "b"), UInt8(ascii: "r"), UInt8(ascii: "g"), UInt8(ascii: "s"),
        UInt8(ascii: "v"):
        .data
      default: .other
      }
    }
  }

  /// The file as named in messages.
  public let name: String
  public let kind: SymbolSourceKind
  public let entries: [Entry]

  /// Reads and checks the file: a kptr_restrict'ed kallsyms (all addresses
  /// 0) and Debian's one-line placeholder System.map are refused.
  public init(path: String) throws {
    let reader = ChunkReader(file: try InputFile(path: path))
    try self.init(name: reader.file.name, namedKallsyms: path.contains("kallsyms")) { try reader.next()?.bytes }
  }

  /// Reads a symbol map kept in memory (as a snapshot keeps layout samples).
  public init(bytes: [UInt8], name: String) throws {
    var pending: [UInt8]? = bytes
    try self.init(name: name, namedKallsyms: name.contains("kallsyms")) {
      defer { pending = nil }
      return pending
    }
  }

  /// Parses whole lines handed out by `nextChunk` until it returns nil.
  private init(name: String, namedKallsyms: Bool, nextChunk: () throws -> [UInt8]?) throws {
    var entries: [Entry] = []
    var lineOffset = 0
    var nonZero = false
    var sawModule = false
    var lines = 0
    while let chunk = try nextChunk() {
      // A line takes at least 20 bytes (16 digits, type, name, separators):
      // room for that many spares the copies of growing.
      entries.reserveCapacity(entries.count + chunk.count / 20)
      let bytes = chunk.span
      var lineNumber = lineOffset
      var failure: InputError?
      // A NUL before the first line ends is a binary file (an ELF whose magic
      // is damaged reads as no vmlinux), not a map with a bad line.
      if lineOffset == 0, firstLineHoldsNUL(bytes) {
        if ELFSymbolReader.beginsWithMagic(bytes) {
          throw InputError(
            .unsupportedFormat, file: name,
            "is a compressed ELF: a vmlinux is mapped as it lies on disk, so give it decompressed (zcat or zstdcat it to a file)")
        }
        throw InputError(
          .unsupportedFormat, file: name, "is binary data: expected a vmlinux (ELF), a System.map or a copy of /proc/kallsyms")
      }
      Lines.forEach(in: bytes) { start, end, _ in
        lineNumber += 1
        // White space alone is blank, as in kmaps.
        guard !isBlank(bytes, start, end) else { return true }
        lines += 1
        if lines == 1 {
          let first = SymbolMapParser.text(bytes, start, end)
          // Its one line reads as a symbol with words after its name.
          if first.contains("The real System.map is in") {
            failure = InputError(
              .refusedInput, file: name,
              "is Debian's placeholder System.map, which holds no symbols (\"\(first)\"); install the matching linux-image-…-dbg package and give /usr/lib/debug/boot/System.map-VERSION or its vmlinux instead"
            )
            return false
          }
        }
        func refuse(_ what: String, at column: Int) -> Bool {
          failure = InputError(.malformedLine, file: name, line: lineNumber, column: column - start + 1, what)
          return false
        }
        // ADDRESS, TYPE and NAME, separated by spaces or tabs; then kallsyms'
        // `[module]`, and nothing more. Bounds in a fixed tuple: no
        // allocation per line.
        var fields: ((Int, Int), (Int, Int), (Int, Int), (Int, Int)) = ((0, 0), (0, 0), (0, 0), (0, 0))
        var count = 0
        var extra: Int?
        var i = start
        // `end` lies within the chunk: the reads need no bounds check.
        while i < end, extra == nil {
          while i < end, bytes[unchecked: i] == UInt8(ascii: " ") || bytes[unchecked: i] == UInt8(ascii: "\t") { i += 1 }
          let fieldStart = i
          while i < end, bytes[unchecked: i] != UInt8(ascii: " "), bytes[unchecked: i] != UInt8(ascii: "\t") { i += 1 }
          guard i > fieldStart else { continue }
          switch count {
          case 0: fields.0 = (fieldStart, i)
          case 1: fields.1 = (fieldStart, i)
          case 2: fields.2 = (fieldStart, i)
          case 3: fields.3 = (fieldStart, i)
          default: extra = fieldStart
          }
          count += 1
        }
        guard count >= 3, fields.1.1 - fields.1.0 == 1, let address = SymbolMapParser.hexValue(bytes, fields.0.0, fields.0.1)
        else {
          return refuse(
            "expected a symbol line 'ADDRESS TYPE NAME' (System.map or /proc/kallsyms), found \(excerpt(bytes, start, end, limit: 60))",
            at: start)
        }
        // Names and modules are printed on terminals: no escape sequence passes.
        if let control = firstControl(bytes, start, end) {
          return refuse("expected printable text, found a control character in \(excerpt(bytes, start, end, limit: 60))", at: control)
        }
        let type = bytes[fields.1.0]
        var module: String? = nil
        if count >= 4 {
          let (moduleStart, moduleEnd) = fields.3
          guard extra == nil, moduleEnd - moduleStart > 2, bytes[moduleStart] == UInt8(ascii: "["),
            bytes[moduleEnd - 1] == UInt8(ascii: "]")
          else {
            return refuse(
              "expected the name alone, or '[module]' after it as kallsyms writes module symbols, found \(excerpt(bytes, moduleStart, end))",
              at: moduleStart)
          }
          module = SymbolMapParser.text(bytes, moduleStart + 1, moduleEnd - 1)
          sawModule = true
        }
        if address != 0 { nonZero = true }
        entries.append(
          Entry(address: address, type: type, name: SymbolMapParser.text(bytes, fields.2.0, fields.2.1), module: module))
        return true
      }
      if let failure { throw failure }
      lineOffset = lineNumber
    }
    guard !entries.isEmpty else {
      throw InputError(
        .unsupportedFormat, file: name, "holds no symbols: expected System.map or /proc/kallsyms lines 'ADDRESS TYPE NAME'")
    }
    guard nonZero else {
      throw InputError(
        .refusedInput, file: name,
        "shows every address as 0: kptr_restrict hid them from the user who copied it; read /proc/kallsyms as root with 'sysctl kernel.kptr_restrict=0', or give the kernel's System.map or vmlinux"
      )
    }
    self.name = name
    self.entries = entries
    kind = sawModule || namedKallsyms ? .kallsyms : .systemMap
  }
}
