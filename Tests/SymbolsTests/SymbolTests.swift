import CDW
import CapdiffTestSupport
import Foundation
import Input
import Testing

@testable import Symbols

@Suite struct SymbolMapTests {
  /// The symbols of a map with `text`, written as `name`.
  func loaded(_ text: String, as name: String = "System.map") throws -> LoadedSymbols {
    let directory = try TemporaryDirectory()
    return try LoadedSymbols(path: try directory.write(name, text))
  }

  @Test func systemMapFunctionsEndAtTheNextSymbol() throws {
    let symbols = try loaded(
      """
      ffffffff81000000 T _text
      ffffffff81000000 T startup_64
      ffffffff81000100 t helper
      ffffffff81000100 T helper_alias
      ffffffff81000200 A absolute_ignored
      ffffffff81000300 T _etext
      ffffffff82000000 D init_task
      ffffffff82000400 b counter

      """)
    let table = symbols.table
    #expect(table.kind == .systemMap)
    #expect(!symbols.hasFileInformation)
    // Of aliases, the global with the fewest leading underscores: not the linker's marker.
    #expect(table.functions.map(\.name) == ["startup_64", "helper_alias"])
    #expect(table.function(containing: 0xffff_ffff_8100_0150).map { table.functions[$0].name } == "helper_alias")
    #expect(table.functions[1].end == 0xffff_ffff_8100_0300)
    // _etext ends the text and owns none of the padding after it.
    #expect(table.function(containing: 0xffff_ffff_8100_0400) == nil)
    #expect(table.function(containing: 0xffff_ffff_8000_0000) == nil)
    #expect(table.dataSymbol(containing: 0xffff_ffff_8200_0010).map { table.data[$0].name } == "init_task")
    #expect(table.data[0].end == 0xffff_ffff_8200_0400)
  }

  @Test func regionEndLabelsOwnNothing() throws {
    // Debian 6.1's System.map: _edata and __start___bug_table share an address.
    let table = try loaded(
      """
      ffffffff81000000 T _text
      ffffffff81000100 t __stop_tty
      ffffffff81000200 T __delayacct_blkio_end
      ffffffff81e01d32 T __indirect_thunk_end
      ffffffff81e01d32 T _etext
      ffffffff82000000 D __start_rodata
      ffffffff82c48800 D __tracepoint_workqueue_execute_end
      ffffffff82c48880 d filled_random_ptr_key
      ffffffff82c488c0 D __start___bug_table
      ffffffff82c488c0 D _edata
      ffffffff82c5f2d0 R __start_orc_unwind_ip
      ffffffff82c5f2d0 D __stop___bug_table
      ffffffff82dd62d0 R __start_orc_unwind

      """).table
    #expect(
      table.data.map(\.name) == [
        "__start_rodata", "__tracepoint_workqueue_execute_end", "filled_random_ptr_key", "__start___bug_table",
        "__start_orc_unwind_ip", "__start_orc_unwind",
      ])
    // Debian 6.1's _etext shares its address with __indirect_thunk_end: neither owns the padding after it.
    #expect(table.function(containing: 0xffff_ffff_81e0_2000) == nil)
    #expect(table.dataSymbol(containing: 0xffff_ffff_82c4_9000).map { table.data[$0].name } == "__start___bug_table")
    // A function may begin `__stop_` or end `_end`.
    #expect(table.functions.map(\.name) == ["_text", "__stop_tty", "__delayacct_blkio_end"])
  }

  @Test func kallsymsCarriesModules() throws {
    let table = try loaded(
      """
      0000000000035000 D runqueues
      ffffffff81000000 T _text
      ffffffffc0a01000 t ext4_foo\t[ext4]
      ffffffffc0a02000 t ext4_bar\t[ext4]
      ffffffffc0b00000 t nf_fn\t[nf_tables]

      """, as: "syms").table
    #expect(table.kind == .kallsyms)
    #expect(table.functions[1] == Symbol(name: "ext4_foo", start: 0xffff_ffff_c0a0_1000, end: 0xffff_ffff_c0a0_2000, module: "ext4"))
    // A module's last function runs to the end of its page, not into the next module.
    #expect(table.functions[2].end == 0xffff_ffff_c0a0_3000)
    #expect(table.function(containing: 0xffff_ffff_c0a0_2ff0).map { table.functions[$0].name } == "ext4_bar")
    #expect(table.function(containing: 0xffff_ffff_c0a0_3010) == nil)
    #expect(table.function(containing: 0xffff_ffff_c0b0_0010).map { table.functions[$0].name } == "nf_fn")
    // A per-CPU offset does not stretch up to the image.
    #expect(table.data[0].end == 0x36000)
    #expect(table.dataSymbol(containing: 0xffff_ffff_8000_0000) == nil)
  }

  @Test func functionsInTheTopPagesOfTheAddressSpace() throws {
    let table = try loaded(
      """
      ffffffff81000000 T _text
      ffffffffffffe000 t near_top
      fffffffffffff000 T top

      """).table
    #expect(table.functions.map(\.end) == [0xffff_ffff_ffff_e000, 0xffff_ffff_ffff_f000, .max])
    #expect(table.function(containing: 0xffff_ffff_ffff_e010).map { table.functions[$0].name } == "near_top")
    #expect(table.function(containing: 0xffff_ffff_ffff_fff0).map { table.functions[$0].name } == "top")
    #expect(table.function(containing: 0xffff_ffff_8100_0010).map { table.functions[$0].name } == "_text")
  }

  @Test func refusesZeroedKallsyms() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("kallsyms", "0000000000000000 T _text\n0000000000000000 t foo\n")
    #expect(
      throws: InputError(
        .refusedInput, file: path,
        "shows every address as 0: kptr_restrict hid them from the user who copied it; read /proc/kallsyms as root with 'sysctl kernel.kptr_restrict=0', or give the kernel's System.map or vmlinux"
      )
    ) { _ = try LoadedSymbols(path: path) }
  }

  @Test func refusesDebianPlaceholderSystemMap() throws {
    let directory = try TemporaryDirectory()
    let line = "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package"
    let path = try directory.write("System.map-6.1.0-47-amd64", line + "\n")
    #expect(
      throws: InputError(
        .refusedInput, file: path,
        "is Debian's placeholder System.map, which holds no symbols (\"\(line)\"); install the matching linux-image-…-dbg package and give /usr/lib/debug/boot/System.map-VERSION or its vmlinux instead"
      )
    ) { _ = try LoadedSymbols(path: path) }
  }

  @Test func malformedLineNamesFileAndLine() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("System.map", "ffffffff81000000 T _text\nnot a symbol line at all\n")
    #expect(
      throws: InputError(
        .malformedLine, file: path, line: 2, column: 1,
        "expected a symbol line 'ADDRESS TYPE NAME' (System.map or /proc/kallsyms), found 'not a symbol line at all'")
    ) { _ = try LoadedSymbols(path: path) }
  }

  /// kallsyms writes `ADDRESS TYPE NAME` and, for a module's symbol, `\t[module]`:
  /// anything else is refused by line and column, and never echoed raw.
  @Test(arguments: [
    ("ffffffffc0a01000 t ext4_foo\t[ext4", 29, "expected the name alone, or '[module]' after it as kallsyms writes module symbols, found '[ext4'"),
    ("ffffffffc0a01000 t ext4_foo\t[]", 29, "expected the name alone, or '[module]' after it as kallsyms writes module symbols, found '[]'"),
    ("ffffffffc0a01000 t ext4_foo\t[ext4] junk", 29, "expected the name alone, or '[module]' after it as kallsyms writes module symbols, found '[ext4] junk'"),
    ("ffffffff81000100 T two words", 24, "expected the name alone, or '[module]' after it as kallsyms writes module symbols, found 'words'"),
    ("ffffffff81000100 T \u{1B}[31mred", 20, "expected printable text, found a control character in 'ffffffff81000100 T \\x1b[31mred'"),
    ("ffffffff81000100 T \u{9B}31mred", 20, "expected printable text, found a control character in 'ffffffff81000100 T \\xc2\\x9b31mred'"),
  ])
  func malformedKallsymsLines(_ line: String, _ column: Int, _ message: String) throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("kallsyms", "ffffffff81000000 T _text\n\(line)\n")
    #expect(throws: InputError(.malformedLine, file: path, line: 2, column: column, message)) { _ = try LoadedSymbols(path: path) }
  }

  @Test func blankLinesAreSkippedAndBinaryIsNamed() throws {
    let directory = try TemporaryDirectory()
    let spaced = try directory.write("System.map", "ffffffff81000000 T _text\n   \n\t\nffffffff81000100 T helper\n")
    #expect(try LoadedSymbols(path: spaced).table.functions.map(\.name) == ["_text", "helper"])
    let binary = try directory.write("damaged.elf", "\u{7F}lLF\u{2}\u{1}\u{1}\u{0}\u{0}\n")
    #expect(
      throws: InputError(
        .unsupportedFormat, file: binary, "is binary data: expected a vmlinux (ELF), a System.map or a copy of /proc/kallsyms")
    ) { _ = try LoadedSymbols(path: binary) }
  }
}

@Suite struct SourcePathTests {
  @Test func reducesTheThreeShapesOfBuildPaths() {
    let root = SourcePathReducer.detectRoot([
      "/build/reproducible-path/linux-6.1.170/arch/x86/kernel/head_64.S",
      "/build/reproducible-path/linux-6.1.170/arch/x86/entry/entry_64.S",
      "fs/ext4/inode.c",
    ])
    #expect(root == "/build/reproducible-path/linux-6.1.170/")
    // Built under /usr/src: `usr` after `/` is a kernel top-level directory too, but not the root.
    #expect(
      SourcePathReducer.detectRoot([
        "/usr/src/linux-6.1/fs/ext4/inode.c", "/usr/src/linux-6.1/net/core/sock.c", "/usr/src/linux-6.1/drivers/net/tun.c",
        "/usr/src/linux-6.1/usr/gen_init_cpio.c",
      ]) == "/usr/src/linux-6.1/")
    // Only assembly files absolute, all under arch/x86/: its kernel/ and lib/ do not make it the root.
    #expect(
      SourcePathReducer.detectRoot(["/b/linux/arch/x86/kernel/head_64.S", "/b/linux/arch/x86/lib/memcpy_64.S"]) == "/b/linux/")
    // A root under a directory that a kernel tree also has.
    #expect(SourcePathReducer.detectRoot(["/home/x/kernel/linux-6.1/fs/ext4/inode.c", "/home/x/kernel/linux-6.1/mm/slub.c"]) == "/home/x/kernel/linux-6.1/")
    let reducer = SourcePathReducer(stripPrefixes: ["/opt/vendor/tree"], detectedRoot: root)
    let buildDirectory = "debian/build/build_amd64_none_cloud-amd64"
    #expect(
      reducer.reduce("/build/reproducible-path/linux-6.1.170/arch/x86/kernel/head_64.S", compilationDirectory: "/build/reproducible-path/linux-6.1.170/\(buildDirectory)")
        == "arch/x86/kernel/head_64.S")
    #expect(reducer.reduce("arch/x86/kernel/head64.c", compilationDirectory: buildDirectory) == "arch/x86/kernel/head64.c")
    #expect(reducer.reduce("\(buildDirectory)/arch/x86/kernel/head64.c", compilationDirectory: buildDirectory) == "arch/x86/kernel/head64.c")
    #expect(reducer.reduce("./fs/ext4/../ext4/inode.c", compilationDirectory: nil) == "fs/ext4/inode.c")
    #expect(reducer.reduce("/opt/vendor/tree/net/core/sock.c", compilationDirectory: "/opt/vendor/tree") == "net/core/sock.c")
    // A file the tree under review names with an escape sequence is shown, not obeyed.
    #expect(reducer.reduce("/opt/vendor/tree/fs/\u{1b}[2J.c", compilationDirectory: "/opt/vendor/tree") == "fs/\\x1b[2J.c")
  }
}

@Suite struct VmlinuxTests {
  /// As scripts/mksysmap keeps them for System.map.
  @Test func symbolTableEntriesNamedAsSystemMapNamesThem() {
    let text = { (type: Int32, size: UInt64, name: String) in
      SymbolRole(type: type, size: size, inCode: true, endsSection: false, name: name)
    }
    let data = { (type: Int32, size: UInt64, name: String) in
      SymbolRole(type: type, size: size, inCode: false, endsSection: false, name: name)
    }
    #expect(text(STT_FUNC, 0, "early_idt_handler_common") == .function)
    #expect(text(STT_NOTYPE, 96, "error_entry") == .function)
    #expect(text(STT_NOTYPE, 0, "entry_SYSCALL_64_after_hwframe") == nil)
    #expect(data(STT_OBJECT, 8, "jiffies_64") == .data)
    #expect(data(STT_OBJECT, 0, "jiffies") == .data)
    #expect(data(STT_NOTYPE, 0, "__ksymtab___get_free_pages") == .data)
    #expect(data(STT_NOTYPE, 0, "kallsyms_token_table") == .data)
    #expect(data(STT_NOTYPE, 0, ".LC12") == nil)
    #expect(data(STT_NOTYPE, 0, "__crc_kfree") == nil)
    #expect(data(STT_NOTYPE, 0, "__kstrtab_kfree") == nil)
    #expect(data(STT_NOTYPE, 0, "L0") == nil)
    #expect(data(STT_NOTYPE, 0, "L0_table") == .data)
    // A label at its section's end (_edata, __bss_stop) marks it and covers nothing.
    #expect(SymbolRole(type: STT_NOTYPE, size: 0, inCode: false, endsSection: true, name: "__bss_stop") == nil)
    #expect(data(STT_SECTION, 0, ".rodata") == nil)
    #expect(data(STT_FILE, 0, "sock.c") == nil)
  }

  static let sources = [
    "fs/ext4/inode.c": """
      int ext4_counter;
      int ext4_write_inode(int x) {
        ext4_counter += x;
        return ext4_counter;
      }
      """,
    "net/core/sock.c": """
      static long sock_state[4];
      long sk_alloc(long size) {
        sock_state[0] = size;
        return sock_state[0] * 2;
      }
      void start_kernel(void) { sk_alloc(1); }
      """,
    // Entry code as arch/x86/entry writes it: sized (SYM_CODE_END) but untyped.
    "arch/x86/entry/entry_64.c": """
      __asm__(".text\\n.globl entry_code\\nentry_code:\\n nop\\n nop\\n nop\\n nop\\n.size entry_code, .-entry_code\\n"
              ".globl entry_label\\nentry_label:\\n nop\\n");
      """,
    // Tables as the kernel writes them in assembly (kallsyms, __ksymtab):
    // untyped and unsized, and in System.map as data all the same.
    "kernel/kallsyms_tables.c": """
      __asm__(".section .rodata\\n.balign 8\\n.globl kallsyms_offsets\\nkallsyms_offsets:\\n .long 1, 2, 3, 4\\n"
              ".globl kallsyms_names\\nkallsyms_names:\\n .byte 5, 6\\n.previous\\n");
      __asm__(".section .tail_table, \\"a\\"\\n.balign 4096\\n.globl tail_table\\ntail_table:\\n .byte 7\\n.previous\\n"
              ".section .next_table, \\"a\\"\\n.balign 4096\\n.globl next_table\\nnext_table:\\n .byte 8\\n.previous\\n");
      // A global linker-style label on a static object: the object is what lies there.
      __asm__(".data\\n.balign 8\\n.globl __start_marked\\n__start_marked:\\nmarked_object:\\n.type marked_object, @object\\n"
              ".size marked_object, 8\\n .quad 0\\n.previous\\n");
      """,
  ]

  /// Units with no name are valid DWARF, not damage: DWARF 5 type units here.
  @Test func typeUnitsAreNoDamage() throws {
    let directory = try TemporaryDirectory()
    let elf = try KernelELF(
      in: directory,
      sources: ["fs/ext4/inode.c": "struct inode { long size; };\nlong ext4_size(struct inode *i) {\n  return i->size;\n}\n"],
      debug: ["-gdwarf-5", "-fdebug-types-section"])
    let symbols = try LoadedSymbols(path: elf.path)
    let size = try elf.address(of: "ext4_size")
    #expect(symbols.debugInfo?.sourceFile(at: size) == "fs/ext4/inode.c")
  }

  /// DWARF libdw cannot open is no vmlinux without DWARF.
  @Test func zstdCompressedDebugSectionsAreNamed() throws {
    let directory = try TemporaryDirectory()
    // Enough DWARF that objcopy finds it worth compressing.
    let text = (0..<300).map { "int ext4_f\($0)(int x) {\n  return x + \($0);\n}\n" }.joined()
    let elf = try KernelELF(in: directory, sources: ["fs/ext4/inode.c": text])
    let compressed = "\(directory.path)/vmlinux.zstd"
    #expect(try run("/usr/bin/objcopy", ["--compress-debug-sections=zstd", elf.path, compressed]).status == 0)
    #expect {
      _ = try LoadedSymbols(path: compressed)
    } throws: { error in
      "\(error)".hasPrefix("\(compressed): error: has DWARF that libdw cannot open: zstd-compressed debug sections")
    }
  }

  /// A partial copy, or an ELF of another kind, says so rather than "has no sections".
  @Test func truncatedAndForeignELFsAreNamed() throws {
    let directory = try TemporaryDirectory()
    let elf = try KernelELF(in: directory, sources: Self.sources)
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: elf.path)))
    let truncated = "\(directory.path)/truncated.elf"
    try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: truncated))
    #expect {
      _ = try LoadedSymbols(path: truncated)
    } throws: { error in
      "\(error)".hasPrefix("\(truncated): error: is truncated: its section headers end at byte \(bytes.count), past its end at byte \(bytes.count / 2)")
    }
    var narrow = bytes
    narrow[4] = 1  // EI_CLASS: ELFCLASS32
    let thirtyTwo = "\(directory.path)/i386.elf"
    try Data(narrow).write(to: URL(fileURLWithPath: thirtyTwo))
    #expect(
      throws: InputError(
        .unsupportedFormat, file: thirtyTwo,
        "is a 32-bit ELF (EI_CLASS 1, EI_DATA 1): capdiff reads 64-bit little-endian kernels (x86-64)")
    ) { _ = try LoadedSymbols(path: thirtyTwo) }
    // openSUSE ships /boot/vmlinux-*.gz.
    #expect(try run("/usr/bin/gzip", ["-k", elf.path]).status == 0)
    #expect(
      throws: InputError(
        .unsupportedFormat, file: "\(elf.path).gz",
        "is a compressed ELF: a vmlinux is mapped as it lies on disk, so give it decompressed (zcat or zstdcat it to a file)")
    ) { _ = try LoadedSymbols(path: "\(elf.path).gz") }
  }

  @Test(arguments: [false, true])
  func functionsFilesAndLinesFromDWARF(absolutePaths: Bool) throws {
    let directory = try TemporaryDirectory()
    let elf = try KernelELF(in: directory, sources: Self.sources, absolutePaths: absolutePaths)
    let symbols = try LoadedSymbols(path: elf.path)
    #expect(symbols.table.kind == .vmlinux)
    #expect(symbols.hasFileInformation)
    let write = try elf.address(of: "ext4_write_inode")
    let alloc = try elf.address(of: "sk_alloc")
    #expect(write >= 0xffff_ffff_8100_0000)
    let table = symbols.table
    #expect(table.function(containing: write + 4).map { table.functions[$0].name } == "ext4_write_inode")
    #expect(table.function(containing: alloc).map { table.functions[$0].name } == "sk_alloc")
    let debug = try #require(symbols.debugInfo)
    #expect(debug.sourceFile(at: write + 4) == "fs/ext4/inode.c")
    #expect(debug.sourceFile(at: alloc) == "net/core/sock.c")
    // The function's first instruction belongs to its opening line.
    #expect(debug.line(at: write) == 2)
    #expect(debug.line(at: alloc) == 2)
    let entry = try elf.address(of: "entry_code")
    #expect(table.function(containing: entry + 2).map { table.functions[$0].name } == "entry_code")
    // A label of no size is no function.
    #expect(!table.functions.contains { $0.name == "entry_label" })
    let counter = try elf.address(of: "ext4_counter")
    #expect(table.dataSymbol(containing: counter).map { table.data[$0].name } == "ext4_counter")
    let state = try elf.address(of: "sock_state")
    #expect(table.dataSymbol(containing: state + 16).map { table.data[$0].name } == "sock_state")
    // Past a sized global's end, the address is no longer that global's (a System.map would say it is).
    #expect(table.dataSymbol(containing: state + 32) != table.dataSymbol(containing: state))
    let offsets = try elf.address(of: "kallsyms_offsets")
    #expect(table.dataSymbol(containing: offsets + 12).map { table.data[$0].name } == "kallsyms_offsets")
    #expect(table.dataSymbol(containing: offsets + 17).map { table.data[$0].name } == "kallsyms_names")
    let marked = try elf.address(of: "marked_object")
    #expect(try elf.address(of: "__start_marked") == marked)
    #expect(table.dataSymbol(containing: marked + 4).map { table.data[$0].name } == "marked_object")
    // A symbol of no size ends with its section, even when the next symbol is further.
    let tail = try elf.address(of: "tail_table")
    #expect(try elf.address(of: "next_table") > tail + 1)
    #expect(table.dataSymbol(containing: tail).map { table.data[$0].name } == "tail_table")
    #expect(table.dataSymbol(containing: tail + 1) == nil)
    // A global's owner is the file that defines it, static or not.
    #expect(debug.definingFile(ofVariableAt: counter) == "fs/ext4/inode.c")
    #expect(debug.definingFile(ofVariableAt: state) == "net/core/sock.c")
    #expect(debug.definingFile(ofVariableAt: state + 8) == nil)
    if absolutePaths {
      #expect(debug.detectedRoot == elf.sourceRoot + "/")
    }
  }

  /// The recorder indexes variables on one thread while others look lines
  /// and files up: every answer must be the one a lone caller gets.
  @Test func answersFromManyTasksAtOnceAsFromOne() async throws {
    let directory = try TemporaryDirectory()
    let elf = try KernelELF(in: directory, sources: Self.sources, absolutePaths: true)
    let debug = try #require(try LoadedSymbols(path: elf.path).debugInfo)
    let (write, alloc) = (try elf.address(of: "ext4_write_inode"), try elf.address(of: "sk_alloc"))
    let (counter, state) = (try elf.address(of: "ext4_counter"), try elf.address(of: "sock_state"))
    typealias Answers = [String?]
    @Sendable func ask() -> Answers {
      [
        debug.sourceFile(at: write + 4), debug.sourceFile(at: alloc), debug.line(at: write).map(String.init),
        debug.line(at: alloc).map(String.init), debug.definingFile(ofVariableAt: counter),
        debug.definingFile(ofVariableAt: state),
      ]
    }
    let answers = await withTaskGroup(of: [Answers].self) { group in
      group.addTask { debug.indexVariables(); return [] }
      for _ in 0..<8 { group.addTask { (0..<200).map { _ in ask() } } }
      return await group.reduce(into: []) { $0 += $1 }
    }
    #expect(answers.count == 1600)
    #expect(Set(answers.map { $0.map { $0 ?? "-" }.joined(separator: " ") }) == [
      "fs/ext4/inode.c net/core/sock.c 2 2 fs/ext4/inode.c net/core/sock.c"
    ])
  }
}
