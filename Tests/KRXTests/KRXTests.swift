import Drift
import Input
import Snapshot
import Symbols
import Testing

@testable import KRX

/// A kallsyms text: `_text` at `text`, functions at their offsets (in that
/// order), `_etext` after the last, `_end` 8 MiB later, and data symbols.
func kallsyms(text: UInt64, functions: [(String, UInt64)], data: [(String, UInt64)] = [], extra: [String] = []) -> [UInt8] {
  var lines = ["\(hex(text)) T _text", "\(hex(text)) T startup_64"]
  for (name, offset) in functions { lines.append("\(hex(text + offset)) t \(name)") }
  let end = text + (functions.map(\.1).max() ?? 0) + 0x100
  lines.append("\(hex(end)) T _etext")
  for (name, offset) in data { lines.append("\(hex(text + offset)) d \(name)") }
  lines.append("\(hex(text + 0x80_0000)) B _end")
  return Array((lines + extra).joined(separator: "\n").utf8) + [10]
}

func hex(_ value: UInt64) -> String { String(value, radix: 16) }

func sample(_ bytes: [UInt8], _ name: String = "kallsyms") throws -> LayoutSample {
  LayoutSample(try SymbolMapFile(bytes: bytes, name: name))
}

func config(_ text: String) throws -> KernelConfig { try KernelConfig(bytes: Array(text.utf8), name: ".config") }

func outcome(_ report: KRXReport, _ check: String, item: String? = nil) -> CheckOutcome? {
  report.outcomes.first { $0.check == check && (item == nil || $0.item == item) }
}

let functionNames = (0..<20).map { "fn_\($0)" } + ["commit_creds", "prepare_kernel_cred"]

/// Function layouts: `shuffled` functions trade places in each seed (the
/// first keeps their order, the second reverses it, the third takes slot
/// i·3 + 2 mod n), so no two of them keep their distance; the rest stay.
func layout(seed: Int, shuffled: Set<String>) -> [(String, UInt64)] {
  var offsets: [(String, UInt64)] = []
  let moving = functionNames.filter(shuffled.contains)
  let n = moving.count
  let permuted = moving.indices.map { i in moving[[i, n - 1 - i, (i * 3 + 2) % max(n, 1)][seed]] }
  var next = permuted.makeIterator()
  for (index, name) in functionNames.enumerated() {
    let placed = shuffled.contains(name) ? next.next()! : name
    offsets.append((placed, 0x100 + UInt64(index) * 0x100))
  }
  return offsets
}

@Suite struct KRXTests {
  @Test func configOptionSwitchedOffKasanOnAndAlignRaised() throws {
    let base = try config(
      """
      CONFIG_RANDOMIZE_BASE=y
      # CONFIG_KASAN is not set
      CONFIG_PHYSICAL_ALIGN=0x200000
      # CONFIG_MODULES is not set
      CONFIG_DEBUG_WX=y
      """)
    let head = try config(
      """
      # CONFIG_RANDOMIZE_BASE is not set
      CONFIG_KASAN=y
      CONFIG_PHYSICAL_ALIGN=0x1000000
      # CONFIG_MODULES is not set
      CONFIG_DEBUG_WX=y
      """)
    let report = KRXAnalysis.compare(base: KRXEvidence(config: base), head: KRXEvidence(config: head))
    let regressed = report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" }
    // RANDOMIZE_MEMORY, default y, depends on RANDOMIZE_BASE: Kconfig drops it too.
    #expect(regressed == ["CONFIG_RANDOMIZE_BASE", "CONFIG_RANDOMIZE_MEMORY", "CONFIG_KASAN", "CONFIG_PHYSICAL_ALIGN"])
    #expect(
      outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_MEMORY")?.message
        == "CONFIG_RANDOMIZE_MEMORY held in base; in head CONFIG_RANDOMIZE_MEMORY depends on CONFIG_RANDOMIZE_BASE, which head's configuration leaves off, so Kconfig drops it")
    #expect(outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_MEMORY")?.baseValue == "RANDOMIZE_MEMORY absent (Kconfig's default y)")
    #expect(outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_BASE")?.baseValue == "RANDOMIZE_BASE=y")
    #expect(outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_BASE")?.headValue == "RANDOMIZE_BASE is not set")
    // Modules off satisfies the module-permissions rule on both sides.
    #expect(outcome(report, "krx-config", item: "CONFIG_STRICT_MODULE_RWX or CONFIG_DEBUG_SET_MODULE_RONX or CONFIG_MODULES off")?.status == .held)
    #expect(report.findings.map(\.kind) == ["krx-config", "krx-config", "krx-config", "krx-config"])
    #expect(report.findings.allSatisfy { $0.failsGate && $0.severity == .high && $0.subject == nil })
    #expect(report.findings[0].message == "CONFIG_RANDOMIZE_BASE held in base and no longer holds in head")
    // Stable ids: the same regression, the same id.
    let again = KRXAnalysis.compare(base: KRXEvidence(config: base), head: KRXEvidence(config: head))
    #expect(again.findings.map(\.id) == report.findings.map(\.id))
  }

  @Test func absentOptionsAreJudgedAsKernelHardeningCheckerJudgesThem() throws {
    // An expected "is not set" is met by absence; an expected y is not.
    let generated = "# Automatically generated file; DO NOT EDIT.\n"
    let base = try config(generated + "CONFIG_RANDOMIZE_BASE=y\n")
    let head = try config(generated + "CONFIG_VMAP_STACK=y\n")
    let report = KRXAnalysis.compare(base: KRXEvidence(config: base), head: KRXEvidence(config: head))
    #expect(report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" } == ["CONFIG_RANDOMIZE_BASE"])
    #expect(outcome(report, "krx-config", item: "CONFIG_KASAN")?.status == .held)
    #expect(outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_MEMORY")?.status == .unmet)
    #expect(outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_MEMORY")?.message == "CONFIG_RANDOMIZE_MEMORY holds in neither base nor head: no change")
    #expect(report.findings.count == 1)
  }

  /// What Kconfig makes of a defconfig on x86-64: dependencies drop
  /// options, STRICT_KERNEL_RWX has no prompt, hex takes no `0x`, and a
  /// number left out has its default.
  @Test func kconfigDecidesWhatAFileLeavesOutOrCannotTurnOff() throws {
    let base = try config("CONFIG_SMP=y\nCONFIG_MODULES=y\n")
    func regressed(_ head: String) throws -> [String] {
      let report = KRXAnalysis.compare(base: KRXEvidence(config: base), head: KRXEvidence(config: try config(head)))
      return report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" }
    }
    // RANDOMIZE_BASE depends on RELOCATABLE, RANDOMIZE_MEMORY on RANDOMIZE_BASE.
    #expect(try regressed("CONFIG_SMP=y\nCONFIG_MODULES=y\n# CONFIG_RELOCATABLE is not set\n") == ["CONFIG_RANDOMIZE_BASE", "CONFIG_RANDOMIZE_MEMORY"])
    // 6.9 on, page-table isolation lies inside `if CPU_MITIGATIONS`.
    #expect(
      try regressed("CONFIG_SMP=y\nCONFIG_MODULES=y\n# CONFIG_CPU_MITIGATIONS is not set\n")
        == ["CONFIG_PAGE_TABLE_ISOLATION or CONFIG_MITIGATION_PAGE_TABLE_ISOLATION"])
    // Written off, built y all the same.
    let strict = "CONFIG_SMP=y\nCONFIG_MODULES=y\n# CONFIG_STRICT_KERNEL_RWX is not set\n# CONFIG_STRICT_MODULE_RWX is not set\n"
    #expect(try regressed(strict) == [])
    let report = KRXAnalysis.compare(base: KRXEvidence(config: base), head: KRXEvidence(config: try config(strict)))
    #expect(
      outcome(report, "krx-config", item: "CONFIG_STRICT_KERNEL_RWX or CONFIG_DEBUG_RODATA")?.message
        == "head's configuration writes CONFIG_STRICT_KERNEL_RWX off, but x86 gives it no prompt (arch/Kconfig asks only with ARCH_OPTIONAL_KERNEL_RWX): Kconfig builds it y, so CONFIG_STRICT_KERNEL_RWX or CONFIG_DEBUG_RODATA holds")
    // Written y and dropped all the same, as the values say; one path read at two commits.
    let written = KRXAnalysis.compare(
      base: KRXEvidence(config: base),
      head: KRXEvidence(config: try config("CONFIG_SMP=y\nCONFIG_MODULES=y\n# CONFIG_RANDOMIZE_BASE is not set\nCONFIG_RANDOMIZE_MEMORY=y\n")))
    let memory = try #require(outcome(written, "krx-config", item: "CONFIG_RANDOMIZE_MEMORY"))
    #expect(memory.headValue == "RANDOMIZE_MEMORY=y, dropped: needs RANDOMIZE_BASE")
    #expect(memory.basis == "\(base.name) of base and of head")
    // PHYSICAL_ALIGN left out is 0x200000; a hex value may lack its 0x.
    #expect(try regressed("CONFIG_SMP=y\nCONFIG_MODULES=y\nCONFIG_PHYSICAL_ALIGN=0x1000000\n") == ["CONFIG_PHYSICAL_ALIGN"])
    #expect(try regressed("CONFIG_SMP=y\nCONFIG_MODULES=y\nCONFIG_PHYSICAL_ALIGN=1000000\n") == ["CONFIG_PHYSICAL_ALIGN"])
    #expect(try regressed("CONFIG_SMP=y\nCONFIG_MODULES=y\nCONFIG_PHYSICAL_ALIGN=200000\n") == [])
    let align = KRXAnalysis.compare(
      base: KRXEvidence(config: base), head: KRXEvidence(config: try config("CONFIG_SMP=y\nCONFIG_MODULES=y\nCONFIG_PHYSICAL_ALIGN=1000000\n")))
    #expect(outcome(align, "krx-config", item: "CONFIG_PHYSICAL_ALIGN")?.message == "CONFIG_PHYSICAL_ALIGN rose from absent (Kconfig's default 0x200000) to 1000000")
  }

  @Test func aNumberTheChecksCannotReadIsAnError() throws {
    for (line, found) in [("CONFIG_PHYSICAL_ALIGN=0x10000000000000000", "0x10000000000000000"), ("CONFIG_PHYSICAL_ALIGN=abcg", "abcg"), ("CONFIG_FG_KASLR_SHIFT=-1", "-1")] {
      #expect(throws: InputError.self) { try config("CONFIG_SMP=y\n\(line)\n") }
      do {
        _ = try KernelConfig(bytes: Array("CONFIG_SMP=y\n\(line)\n".utf8), name: ".config")
        Issue.record("\(line) was read")
      } catch {
        #expect(error.line == 2)
        #expect(error.message.hasSuffix("found '\(found)'"), "\(error.message)")
      }
    }
  }

  @Test func crlfConfigsAndDumpsReadAlike() throws {
    let crlf = try config("CONFIG_RANDOMIZE_BASE=y\r\n# CONFIG_KASAN is not set\r\nCONFIG_PHYSICAL_ALIGN=0x200000\r\n")
    #expect(crlf.isEnabled("RANDOMIZE_BASE"))
    #expect(crlf[("KASAN")] == .notSet)
    #expect(crlf.number("PHYSICAL_ALIGN") == 0x20_0000)
    #expect(crlf.lines["PHYSICAL_ALIGN"] == 3)
    let dump = try PageTableDump(
      bytes: Array(String(decoding: Self.dump(), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8), name: "pt")
    #expect(dump.mappings == (try PageTableDump(bytes: Self.dump(), name: "pt")).mappings)
  }

  @Test func aDefconfigLeavesDefaultsOut() throws {
    // x86_64_defconfig never names RANDOMIZE_BASE (default y); turning it off
    // writes "is not set". SLAB_FREELIST_RANDOM defaults to n: naming it off changes nothing.
    let base = try config("CONFIG_SMP=y\n")
    let head = try config("CONFIG_SMP=y\n# CONFIG_RANDOMIZE_BASE is not set\n# CONFIG_SLAB_FREELIST_RANDOM is not set\n")
    #expect(base.isDefconfig)
    let report = KRXAnalysis.compare(base: KRXEvidence(config: base), head: KRXEvidence(config: head))
    #expect(report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" } == ["CONFIG_RANDOMIZE_BASE", "CONFIG_RANDOMIZE_MEMORY"])
    #expect(
      outcome(report, "krx-config", item: "CONFIG_RANDOMIZE_BASE")?.message
        == "CONFIG_RANDOMIZE_BASE is left to its Kconfig default (y) in base's defconfig and turned off in head's")
    #expect(
      outcome(report, "krx-config", item: "CONFIG_VMAP_STACK")?.message
        == "CONFIG_VMAP_STACK is left to its Kconfig default (y) in both defconfigs: no change")
    #expect(outcome(report, "krx-config", item: "CONFIG_VMAP_STACK")?.status == .held)
    // Off by default and off in writing: no protection on either side, which is no pass.
    #expect(outcome(report, "krx-config", item: "CONFIG_SLAB_FREELIST_RANDOM")?.status == .unmet)
    #expect(outcome(report, "krx-config", item: "CONFIG_FG_KASLR")?.status == .unmet)
    #expect(outcome(report, "krx-config", item: "CONFIG_FG_KASLR")?.message == "CONFIG_FG_KASLR holds in neither base nor head: no change")
    // x86_64_defconfig sets CONFIG_MODULES=y and cannot name STRICT_MODULE_RWX, which defaults to y.
    let modules = try config("CONFIG_SMP=y\nCONFIG_MODULES=y\n")
    let withModules = KRXAnalysis.compare(base: KRXEvidence(config: modules), head: KRXEvidence(config: modules))
    #expect(
      outcome(withModules, "krx-config", item: "CONFIG_STRICT_MODULE_RWX or CONFIG_DEBUG_SET_MODULE_RONX or CONFIG_MODULES off")?.status
        == .held)
    // In a full .config every visible option is written: absent is off.
    let full = try config("#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 6.1.0 Kernel Configuration\n#\nCONFIG_SMP=y\n")
    #expect(!full.isDefconfig)
    let fromFull = KRXAnalysis.compare(base: KRXEvidence(config: full), head: KRXEvidence(config: head))
    #expect(fromFull.outcomes.filter { $0.status == .regressed }.isEmpty)
    // A full .config with a protection on, against a defconfig that leaves it to its default y: no regression.
    let fullOn = try config("# Automatically generated file; DO NOT EDIT.\nCONFIG_VMAP_STACK=y\n")
    let toDefconfig = KRXAnalysis.compare(base: KRXEvidence(config: fullOn), head: KRXEvidence(config: base))
    #expect(outcome(toDefconfig, "krx-config", item: "CONFIG_VMAP_STACK")?.status == .held)
    #expect(
      outcome(toDefconfig, "krx-config", item: "CONFIG_VMAP_STACK")?.message
        == "CONFIG_VMAP_STACK holds in head, by its Kconfig default (y) in head's defconfig")
  }

  /// A skipped check names the options that would have run it.
  @Test func skipsSayWhatToRecord() {
    let report = KRXAnalysis.compare(base: KRXEvidence(), head: KRXEvidence())
    #expect(
      outcome(report, "krx-text-coverage")?.message
        == "skipped: no vmlinux section headers for base (record with the vmlinux as --symbols, or give capdiff krx --base-vmlinux/--head-vmlinux)")
    #expect(
      outcome(report, "krx-code-data-boundary")?.message
        == "skipped: base has no layout sample to read symbols from (record with --layout, or give capdiff krx --base-layout/--head-layout: a System.map, or a kallsyms of a kernel with KALLSYMS_ALL)")
    #expect(report.outcomes.allSatisfy { $0.status == .skipped })
  }

  @Test func nokaslrAdded() throws {
    let base = try KernelCommandLine(bytes: Array("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n".utf8), name: "base")
    let head = try KernelCommandLine(bytes: Array("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro nokaslr no-hash-pointers quiet\n".utf8), name: "head")
    let report = KRXAnalysis.compare(base: KRXEvidence(commandLine: base), head: KRXEvidence(commandLine: head))
    #expect(report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" } == ["nokaslr", "no_hash_pointers"])
    #expect(report.findings.first?.message == "head's command line adds 'nokaslr', which base did not have")
    // On both sides: no regression, and no protection either.
    let both = KRXAnalysis.compare(base: KRXEvidence(commandLine: head), head: KRXEvidence(commandLine: head))
    #expect(both.findings.isEmpty)
    #expect(both.outcomes.filter { $0.status == .unmet }.map { $0.item ?? "" } == ["nokaslr", "no_hash_pointers"])
    #expect(outcome(both, "krx-cmdline", item: "nokaslr")?.message == "'nokaslr' is on both command lines: no change")
  }

  @Test func mitigationsAndKernelStackOffsetSwitchedOff() throws {
    func line(_ text: String) throws -> KernelCommandLine { try KernelCommandLine(bytes: Array(text.utf8), name: text) }
    let base = try line("ro quiet randomize_kstack_offset=on")
    let head = try line("ro quiet mitigations=off randomize_kstack_offset=on randomize-kstack-offset=No")
    let report = KRXAnalysis.compare(base: KRXEvidence(commandLine: base), head: KRXEvidence(commandLine: head))
    #expect(report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" } == ["mitigations=off", "randomize_kstack_offset=off"])
    #expect(report.findings.map(\.message) == [
      "head's command line adds 'mitigations=off', which base did not have",
      "head's command line adds 'randomize-kstack-offset=No' (randomize_kstack_offset=off), which base did not have",
    ])
    // kstrtobool's false: 0, n…, f…, of…; true: 1, y…, t…, on…; anything else is rejected.
    for value in ["0", "n", "no", "N", "off", "OFF", "false"] {
      #expect(KernelCommandLine.kstrtobool(Substring(value)) == false, "\(value)")
    }
    for value in ["1", "y", "on", "true", "Yes"] {
      #expect(KernelCommandLine.kstrtobool(Substring(value)) == true, "\(value)")
    }
    for value in ["", "auto", "o", "2"] {
      #expect(KernelCommandLine.kstrtobool(Substring(value)) == nil, "\(value)")
    }
    #expect(KernelCommandLine.kstrtobool(nil) == nil)
    // The values are the parameters as written.
    #expect(outcome(report, "krx-cmdline", item: "randomize_kstack_offset=off")?.headValue == "randomize-kstack-offset=No")
    // A boolean left on is shown as written too.
    #expect(outcome(report, "krx-cmdline", item: "randomize_kstack_offset=off")?.baseValue == "randomize_kstack_offset=on")
    #expect(outcome(report, "krx-cmdline", item: "nokaslr")?.baseValue == "absent")
  }

  /// The kernel applies its parameters in order and the last one a handler
  /// accepts decides; `--` ends them; flags ignore their values; sysctl
  /// arguments come last.
  @Test func commandLinesAreJudgedAsTheKernelAppliesThem() throws {
    func line(_ text: String) throws -> KernelCommandLine { try KernelCommandLine(bytes: Array(text.utf8), name: text) }
    func regressed(_ base: String, _ head: String) throws -> [String] {
      let report = KRXAnalysis.compare(
        base: KRXEvidence(commandLine: try line(base)), head: KRXEvidence(commandLine: try line(head)))
      return report.outcomes.filter { $0.status == .regressed }.map { $0.item ?? "" }
    }
    let plain = "root=/dev/sda1 ro quiet"
    // Undone later on the same line: nothing regresses.
    for head in ["mitigations=off mitigations=auto", "nopti pti=on", "pti=off pti=auto", "rodata=off rodata=on",
      "norandmaps sysctl.kernel.randomize_va_space=2", "randomize_kstack_offset=0 randomize_kstack_offset=1"]
    {
      #expect(try regressed(plain, "\(plain) \(head)") == [], "\(head)")
    }
    // Undone on base's line but not on head's: a regression.
    #expect(
      try regressed("\(plain) mitigations=off mitigations=auto rodata=off rodata=on", "\(plain) mitigations=off rodata=off")
        == ["rodata=off", "mitigations=off"])
    // A later value the handler rejects changes nothing.
    #expect(try regressed(plain, "\(plain) randomize_kstack_offset=0 randomize_kstack_offset") == ["randomize_kstack_offset=off"])
    #expect(try regressed(plain, "\(plain) mitigations=off mitigations=bogus") == ["mitigations=off"])
    // After `--`, parameters are init's.
    #expect(try regressed(plain, "\(plain) init=/bin/sh -- rodata=off mitigations=off nopti no_hash_pointers nokaslr") == [])
    #expect(try line("a \"--\" b").parameters == ["a"])
    #expect(throws: InputError.self) { try line(String(repeating: "quiet ", count: 20_000)) }
    // Flags whatever their value, and the sysctl spelling of norandmaps.
    #expect(try regressed(plain, "\(plain) no_hash_pointers=1 nopti=1 norandmaps=1") == ["norandmaps", "pti=off", "no_hash_pointers"])
    #expect(try regressed(plain, "\(plain) sysctl.kernel.randomize_va_space=0") == ["norandmaps"])
    #expect(try regressed(plain, "\(plain) sysctl/kernel/randomize_va_space=0 norandmaps") == ["norandmaps"])
    // What a report says of a protection head's line leaves on.
    let report = KRXAnalysis.compare(
      base: KRXEvidence(commandLine: try line("\(plain) mitigations=off")),
      head: KRXEvidence(commandLine: try line("\(plain) mitigations=off mitigations=auto")))
    let mitigations = try #require(outcome(report, "krx-cmdline", item: "mitigations=off"))
    #expect(mitigations.status == .held)
    #expect(mitigations.headValue == "mitigations=auto")
    #expect(mitigations.message == "head's 'mitigations=auto' has the last word: 'mitigations=off' is not in effect")
  }

  @Test func textThatNeverMoves() throws {
    let functions = layout(seed: 0, shuffled: [])
    let base = try (0..<3).map { try sample(kallsyms(text: 0xffff_ffff_8100_0000 + UInt64($0 * 7) * 0x20_0000, functions: functions)) }
    let head = try (0..<3).map { _ in try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions)) }
    let report = KRXAnalysis.compare(base: KRXEvidence(layouts: base), head: KRXEvidence(layouts: head))
    let slide = try #require(outcome(report, "krx-base-slide"))
    #expect(slide.status == .regressed)
    // 1 GiB less 16 MiB of minimum and 8 MiB of image, in 2 MiB steps: 501 slots.
    #expect(
      slide.baseValue
        == "moves (3 distinct offsets in 3 boots); 8.97 bits (501 slots of 2 MiB)")
    // A kernel that never moves has no entropy, whatever its slots.
    #expect(slide.headValue == "never moves (1 distinct offset in 3 boots); 0 bits (501 slots of 2 MiB were it randomised)")
    // Missing from both kernels: no regression, and no pass either.
    let neither = KRXAnalysis.compare(base: KRXEvidence(layouts: head), head: KRXEvidence(layouts: head))
    #expect(outcome(neither, "krx-base-slide")?.status == .unmet)
    #expect(outcome(neither, "krx-base-slide")?.message.hasPrefix("_text never moves in base or head: no KASLR on either side") == true)
    #expect(outcome(neither, "krx-function-shuffle")?.status == .unmet)
    #expect(outcome(neither, "krx-rigid-block")?.status == .unmet)
    #expect(neither.findings.isEmpty)
    #expect(slide.headMeasure == 0)
    #expect(slide.message.hasPrefix("head's _text never moves across its boots while base's did ("))
    #expect(slide.message.contains("PHYSICAL_ALIGN taken as 0x200000, x86-64's default (no configuration)"))
    // A configuration that leaves the option to Kconfig is no missing configuration.
    let defconfig = try config("CONFIG_RANDOMIZE_BASE=y\n")
    let left = KRXAnalysis.compare(
      base: KRXEvidence(layouts: base, config: defconfig), head: KRXEvidence(layouts: head, config: defconfig))
    #expect(
      try #require(outcome(left, "krx-base-slide")).message.contains(
        "PHYSICAL_ALIGN taken as 0x200000, Kconfig's default (\(defconfig.name) leaves it out)"))
  }

  @Test func paddingAndCFIPreamblesAreNoFunctions() throws {
    // 6.2+ puts `__pfx_fn` in the 16 bytes before each fn; kCFI puts `__cfi_fn`
    // there. `_text`, the linker's label where startup_64 begins, is none either.
    let functions: [(String, UInt64)] = [
      ("__pfx_fn_a", 0x1000), ("fn_a", 0x1010), ("__cfi_fn_b", 0x1100), ("fn_b", 0x1110),
    ]
    let samples = try (0..<2).map { try sample(kallsyms(text: 0xffff_ffff_8100_0000 + UInt64($0) * 0x20_0000, functions: functions)) }
    #expect(FunctionLayout(samples)?.names == ["startup_64", "fn_a", "fn_b"])
    #expect(samples[0].functionAddress(of: "__pfx_fn_a") == nil)
  }

  @Test func functionsThatStopMoving() throws {
    let everything = Set(functionNames)
    let base = try (0..<3).map { try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: layout(seed: $0, shuffled: everything))) }
    // fn_0 and fn_1 stay put in head.
    let head = try (0..<3).map {
      try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: layout(seed: $0, shuffled: everything.subtracting(["fn_0", "fn_1"]))))
    }
    let report = KRXAnalysis.compare(base: KRXEvidence(layouts: base), head: KRXEvidence(layouts: head))
    let shuffle = try #require(outcome(report, "krx-function-shuffle"))
    #expect(shuffle.status == .regressed)
    // _text and startup_64 never move: 22 of 24 functions in base, 20 in head.
    #expect(shuffle.baseValue == "95.7% of 23 functions move")
    #expect(shuffle.headValue == "87.0% of 23 functions move")
    #expect(
      shuffle.message
        == "the moving share fell from 95.7% to 87.0%; 2 functions moved in base and stay fixed in head: fn_0, fn_1")
  }

  @Test func rigidBlockSwallowsCommitCreds() throws {
    let everything = Set(functionNames)
    let base = try (0..<3).map { try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: layout(seed: $0, shuffled: everything))) }
    // Half the functions, commit_creds among them, stop shuffling.
    let fixed: Set<String> = ["commit_creds", "fn_0", "fn_1", "fn_2", "fn_3", "fn_4", "fn_5", "fn_6", "fn_7", "fn_8", "fn_9"]
    let head = try (0..<3).map {
      try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: layout(seed: $0, shuffled: everything.subtracting(fixed))))
    }
    let report = KRXAnalysis.compare(base: KRXEvidence(layouts: base), head: KRXEvidence(layouts: head))
    let block = try #require(outcome(report, "krx-rigid-block"))
    #expect(block.status == .regressed)
    // The 11, and _text with startup_64 (its alias, counted once): 12 of 23 blocks of 256 bytes.
    #expect(block.headValue == "largest rigid block 52.2% of text (12 functions, 3 KiB); holds commit_creds")
    #expect(block.message.hasSuffix("sensitive symbols joined it: commit_creds"))
  }

  @Test func aSensitiveFunctionNewInHeadJoinsNoBlock() throws {
    let everything = Set(functionNames)
    let base = try (0..<3).map { try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: layout(seed: $0, shuffled: everything))) }
    // Head adds a syscall base never had; it does not move, so it sits in _text's block.
    let head = try (0..<3).map {
      try sample(
        kallsyms(
          text: 0xffff_ffff_8100_0000, functions: layout(seed: $0, shuffled: everything) + [("__x64_sys_brand_new", 0x1800)]))
    }
    let block = try #require(outcome(KRXAnalysis.compare(base: KRXEvidence(layouts: base), head: KRXEvidence(layouts: head)), "krx-rigid-block"))
    #expect(block.headValue?.hasSuffix("holds __x64_sys_brand_new") == true)
    #expect(block.status == .held)
    #expect(block.message == "no larger rigid block")
  }

  @Test func layoutChecksSkipWithOneSample() throws {
    let one = [try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: layout(seed: 0, shuffled: [])))]
    let report = KRXAnalysis.compare(base: KRXEvidence(layouts: one), head: KRXEvidence(layouts: one))
    #expect(outcome(report, "krx-base-slide")?.message == "skipped: base needs kallsyms of two or more boots, has 1")
    #expect(outcome(report, "krx-function-shuffle")?.message == "skipped: base needs two or more layout samples, has 1")
    #expect(
      outcome(report, "krx-rigid-block")?.message
        == "skipped: base needs three or more layout samples to tell a rigid block from chance, has 1")
    #expect(outcome(report, "krx-config")?.status == .skipped)
    #expect(report.findings.isEmpty)
    var rules = KRXRules()
    rules.failOnSkipped = true
    #expect(KRXAnalysis.compare(base: KRXEvidence(layouts: one), head: KRXEvidence(layouts: one), rules: rules).findings.count == 8)
  }

  @Test func textCoverageDrops() throws {
    func sections(_ separate: UInt64) -> ELFSections {
      ELFSections(sections: [
        .init(name: ".text", address: 0xffff_ffff_8100_0000, size: 0x10_0000 - separate, executable: true, writable: false, allocated: true),
        .init(name: ".text.fn_a", address: 0xffff_ffff_8110_0000, size: separate, executable: true, writable: false, allocated: true),
        .init(name: ".data", address: 0xffff_ffff_8200_0000, size: 0x1000, executable: false, writable: true, allocated: true),
      ])
    }
    let round = try ELFSections(table: sections(0x8_0000).table, name: "table")
    #expect(round == sections(0x8_0000))
    let report = KRXAnalysis.compare(base: KRXEvidence(sections: sections(0x8_0000)), head: KRXEvidence(sections: sections(0x7_0000)))
    let coverage = try #require(outcome(report, "krx-text-coverage"))
    #expect(coverage.status == .regressed)
    #expect(coverage.baseValue == "50.0% of 1 MiB of code in .text.* sections")
    #expect(coverage.headValue == "43.8% of 1 MiB of code in .text.* sections")
  }

  static let dumpHeader = """
    ---[ User Space ]---
    0x0000000000000000-0xffff800000000000   16777088T                               pgd
    ---[ Kernel Space ]---
    0xffff800000000000-0xffff888000000000        8704G                               pgd
    ---[ Low Kernel Mapping ]---
    0xffff888000000000-0xffff888000001000           4K     RW                     NX pte
    """

  static func dump(extra: String = "", textEnd: String = "0xffffffff81e00000") -> [UInt8] {
    Array(
      """
      \(dumpHeader)
      \(extra)
      ---[ High Kernel Mapping ]---
      0xffffffff80000000-0xffffffff81000000          16M                               pmd
      0xffffffff81000000-\(textEnd)          14M     ro         PSE     GLB x  pmd
      0xffffffff81e00000-0xffffffff82000000           2M     ro         PSE     GLB NX pmd
      0xffffffff82000000-0xffffffff82200000           2M     RW         PSE     GLB NX pmd
      ... 3 entries skipped ...

      """.utf8)
  }

  @Test func writableExecutablePageAppears() throws {
    let base = try PageTableDump(bytes: Self.dump(), name: "base")
    let head = try PageTableDump(
      bytes: Self.dump(extra: "0xffff888000001000-0xffff888000003000           8K     RW                     x  pte"), name: "head")
    #expect(head.mappings.count == 8)
    let report = KRXAnalysis.compare(base: KRXEvidence(pageTables: base), head: KRXEvidence(pageTables: head))
    let wx = try #require(outcome(report, "krx-wx"))
    #expect(wx.status == .regressed)
    #expect(wx.headValue == "2 W+X pages (Low Kernel Mapping: 2) per the page-table dump")
    #expect(wx.message.hasPrefix("head has 2 writable and executable kernel pages, base 0; the page-table dump shows lowest-level flags only"))
    // The boot log, when given, is authoritative.
    let log = try WXBootLog(bytes: Array("[    1.234567] x86/mm: Checked W+X mappings: passed, no W+X pages found.\n".utf8), name: "dmesg")
    let withLog = KRXAnalysis.compare(base: KRXEvidence(pageTables: base), head: KRXEvidence(pageTables: head, bootLog: log))
    #expect(outcome(withLog, "krx-wx")?.status == .held)
    #expect(try WXBootLog(bytes: Array("x86/mm: Checked W+X mappings: FAILED, 3 W+X pages found.\n".utf8), name: "d").pages == 3)
  }

  @Test func executableBytesBeyondTheText() throws {
    let text = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: [("fn", 0xd0_0000)]))
    let base = KRXEvidence(layouts: [text], pageTables: try PageTableDump(bytes: Self.dump(), name: "base"))
    // Head's dump leaves the 2 MiB after the text executable.
    let headDump = Array(
      String(decoding: Self.dump(), as: UTF8.self).replacingOccurrences(
        of: "0xffffffff81e00000-0xffffffff82000000           2M     ro         PSE     GLB NX pmd",
        with: "0xffffffff81e00000-0xffffffff82000000           2M     ro         PSE     GLB x  pmd"
      ).utf8)
    let head = KRXEvidence(layouts: [text], pageTables: try PageTableDump(bytes: headDump, name: "head"))
    let report = KRXAnalysis.compare(base: base, head: head)
    let permissions = try #require(outcome(report, "krx-image-permissions"))
    #expect(permissions.baseValue == "0 B executable outside the text, 0 B writable inside it")
    #expect(permissions.headValue == "2 MiB executable outside the text, 0 B writable inside it")
    #expect(permissions.status == .regressed)
    // A kallsyms of another boot is refused by name.
    let other = try sample(kallsyms(text: 0xffff_ffff_9000_0000, functions: [("fn", 0x1000)]), "other-boot.kallsyms")
    let mismatch = KRXAnalysis.compare(base: KRXEvidence(layouts: [other], pageTables: base.pageTables), head: head)
    #expect(
      outcome(mismatch, "krx-image-permissions")?.message
        == "skipped: base has no kallsyms sample whose _text.._etext lies inside the dump's High Kernel Mapping (_text at 0xffffffff90000000 in other-boot.kallsyms): give the kallsyms of the dump's boot")
  }

  @Test func imagePermissionsTakeTheKallsymsOfTheDumpsBoot() throws {
    let dump = try PageTableDump(bytes: Self.dump(), name: "pt")
    let text = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: [("fn", 0xd0_0000)]), "old.kallsyms")
    let other = try sample(kallsyms(text: 0xffff_ffff_9000_0000, functions: [("fn", 0x1000)]), "other.kallsyms")
    // Another boot, slid 2 MiB, whose text lies inside this dump's image too.
    let slid = try sample(kallsyms(text: 0xffff_ffff_8120_0000, functions: [("fn", 0x10_0000)]), "slid.kallsyms")
    // The dump's permissions fit old.kallsyms's text, whichever order the samples come in.
    for layouts in [[text, other, slid], [slid, text], [text, slid]] {
      let report = KRXAnalysis.compare(
        base: KRXEvidence(layouts: [text], pageTables: dump), head: KRXEvidence(layouts: layouts, pageTables: dump))
      let permissions = try #require(outcome(report, "krx-image-permissions"))
      #expect(permissions.headValue == "0 B executable outside the text, 0 B writable inside it", "\(layouts.map(\.name))")
      #expect(permissions.status == .held)
    }
    #expect(
      ImagePermissionsCheck.measure(dump.mappings.filter { $0.section == ImagePermissionsCheck.section && $0.present }, text: slid.textRange!)
        .executableOutside == 12 << 20)
    #expect(
      outcome(KRXAnalysis.compare(base: KRXEvidence(layouts: [text], pageTables: dump), head: KRXEvidence(layouts: [text], pageTables: dump)), "krx-image-permissions")?.basis
        == "page-table dump and the kallsyms sample of its boot")
    // A text running past the image's mappings is not the dump's boot.
    let past = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: [("fn", 0x130_0000)]), "past.kallsyms")
    let skipped = KRXAnalysis.compare(base: KRXEvidence(layouts: [past], pageTables: dump), head: KRXEvidence(layouts: [text], pageTables: dump))
    #expect(
      outcome(skipped, "krx-image-permissions")?.message
        == "skipped: base has no kallsyms sample whose _text.._etext lies inside the dump's High Kernel Mapping (_text at 0xffffffff81000000 in past.kallsyms): give the kallsyms of the dump's boot")
  }

  /// Overlapping ranges that claim more than 2^64 bytes in all: every sum
  /// holds at the most there can be instead of trapping.
  @Test func hostileSizesSaturateRatherThanCrash() throws {
    // 2^64 - 4 KiB each, the end wrapped round to 0.
    let huge = "0x0000000000001000-0x0000000000000000 18014398509481980K     RW                     x  pte"
    let hostile = try PageTableDump(
      bytes: Array(("---[ High Kernel Mapping ]---\n" + Array(repeating: huge, count: 4097).joined(separator: "\n") + "\n").utf8),
      name: "hostile")
    let text = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: [("fn", 0xd0_0000)]))
    let base = KRXEvidence(layouts: [text], pageTables: try PageTableDump(bytes: Self.dump(), name: "base"))
    let report = KRXAnalysis.compare(base: base, head: KRXEvidence(layouts: [text], pageTables: hostile))
    let permissions = try #require(outcome(report, "krx-image-permissions"))
    #expect(permissions.status == .regressed)
    // Writable inside: 4,097 times the 13 MiB of the text, well short of 2^64.
    #expect(permissions.headValue == "16777216 TiB executable outside the text, 52.0 GiB writable inside it")
    let wx = try #require(outcome(report, "krx-wx"))
    #expect(wx.headValue == "18446744073709551615 W+X pages (High Kernel Mapping: 18446744073709551615) per the page-table dump")

    let sections = ELFSections(sections: [
      .init(name: ".text", address: 0xffff_ffff_8100_0000, size: 1 << 63, executable: true, writable: false, allocated: true),
      .init(name: ".text.a", address: 0xffff_ffff_8100_0000, size: 1 << 63, executable: true, writable: false, allocated: true),
    ])
    let coverage = KRXAnalysis.compare(base: KRXEvidence(sections: sections), head: KRXEvidence(sections: sections))
    #expect(outcome(coverage, "krx-text-coverage")?.headValue == "50.0% of 16777216 TiB of code in .text.* sections")
  }

  @Test func dataInsideTheTextAndTheKRXBoundary() throws {
    let functions = layout(seed: 0, shuffled: [])
    let base = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, data: [("init_task", 0x90_0000)]))
    let head = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, data: [("init_task", 0x90_0000), ("sneaky_table", 0x1050)]))
    let report = KRXAnalysis.compare(base: KRXEvidence(layouts: [base]), head: KRXEvidence(layouts: [head]))
    let boundary = try #require(outcome(report, "krx-code-data-boundary"))
    #expect(boundary.status == .regressed)
    #expect(boundary.headValue == "1 misplaced (data in text 1, code outside text and init 0); e.g. sneaky_table")

    // kR^X: data, tables and __krx_edata below _text, code above; in head
    // one function slipped below the boundary.
    let krxLines = ["ffffffff80fff000 D __krx_edata", "ffffffff80ff0000 d __start___ex_table", "ffffffff80ff8000 d init_task"]
    let krxBase = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, extra: krxLines))
    let krxHead = try sample(
      kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, extra: krxLines + ["ffffffff80ffe000 t slipped_fn"]))
    let krxReport = KRXAnalysis.compare(base: KRXEvidence(layouts: [krxBase]), head: KRXEvidence(layouts: [krxHead]))
    let krxBoundary = try #require(outcome(krxReport, "krx-code-data-boundary"))
    #expect(
      krxBoundary.baseValue
        == "0 misplaced (data in text 0, code outside text and init 0, code below __krx_edata 0, data above __krx_edata 0, tables above __krx_edata 0)")
    #expect(
      krxBoundary.headValue
        == "2 misplaced (data in text 0, code outside text and init 1, code below __krx_edata 1, data above __krx_edata 0, tables above __krx_edata 0); e.g. slipped_fn")
    #expect(krxBoundary.status == .regressed)
  }

  @Test func codeDataBoundaryComparesTheCategoriesBothSidesHave() throws {
    let functions = layout(seed: 0, shuffled: [])
    let krxLines = ["ffffffff80fff000 D __krx_edata", "ffffffff80ff0000 d __start___ex_table", "ffffffff80ff8000 d init_task"]
    let krx = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, extra: krxLines + ["ffffffff80ffe000 t slipped_fn"]))
    let plain = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, data: [("sneaky_table", 0x1050)]))
    // Head dropped kR^X: fewer misplaced in all, yet data now sits in its text.
    let lost = try #require(
      outcome(KRXAnalysis.compare(base: KRXEvidence(layouts: [krx]), head: KRXEvidence(layouts: [plain])), "krx-code-data-boundary"))
    #expect(lost.status == .regressed)
    #expect(
      lost.baseValue
        == "2 misplaced (data in text 0, code outside text and init 1, code below __krx_edata 1, data above __krx_edata 0, tables above __krx_edata 0); e.g. slipped_fn")
    #expect(lost.headValue == "no __krx_edata; 1 misplaced (data in text 1, code outside text and init 0); e.g. sneaky_table")
    #expect(
      lost.message
        == "head lost __krx_edata, which base had: nothing marks kR^X's boundary between data and code; data in text grew from 0 to 1")
    // Head gained kR^X: its own categories have nothing in base to grow from.
    let clean = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions))
    let gained = try #require(
      outcome(KRXAnalysis.compare(base: KRXEvidence(layouts: [clean]), head: KRXEvidence(layouts: [krx])), "krx-code-data-boundary"))
    #expect(gained.status == .regressed)
    #expect(gained.message == "code outside text and init grew from 0 to 1")
    let tidy = try sample(kallsyms(text: 0xffff_ffff_8100_0000, functions: functions, extra: krxLines + ["ffffffff81100000 d stray"]))
    let held = try #require(
      outcome(KRXAnalysis.compare(base: KRXEvidence(layouts: [clean]), head: KRXEvidence(layouts: [tidy])), "krx-code-data-boundary"))
    #expect(held.status == .held)
    #expect(
      held.headValue
        == "1 misplaced (data in text 0, code outside text and init 0, code below __krx_edata 0, data above __krx_edata 1, tables above __krx_edata 0); e.g. stray")
  }

  @Test func hostileNumbersSkipInsteadOfCrashing() throws {
    let boots = try (0..<2).map { try sample(kallsyms(text: 0xffff_ffff_8100_0000 + UInt64($0) * 0x20_0000, functions: [("fn", 0x100)])) }
    let zeroAlign = try config("CONFIG_PHYSICAL_ALIGN=0\n")
    let report = KRXAnalysis.compare(base: KRXEvidence(layouts: boots, config: zeroAlign), head: KRXEvidence(layouts: boots, config: zeroAlign))
    #expect(outcome(report, "krx-base-slide")?.message == "skipped: base has CONFIG_PHYSICAL_ALIGN=0x0, outside x86-64's Kconfig range 0x200000–0x1000000")
    // A text range ending at the top of the address space.
    let top = try sample(Array("ffffffffff000000 T _text\nfffffffffffffff0 T _etext\n".utf8), "top.kallsyms")
    let dump = try PageTableDump(bytes: Array("---[ High Kernel Mapping ]---\n0xffffffffff000000-0x0000000000000000 16M ro PSE GLB x pmd\n".utf8), name: "pt")
    let permissions = KRXAnalysis.compare(
      base: KRXEvidence(layouts: [top], pageTables: dump), head: KRXEvidence(layouts: [top], pageTables: dump))
    #expect(outcome(permissions, "krx-image-permissions")?.status == .held)
  }

  @Test func lastRangeEndsAtTheTopOfTheAddressSpace() throws {
    // A real dump's last line ends at 0x0000000000000000: 2^64, wrapped.
    let tail = "---[ Fixmap Area ]---\n0xffffffffff600000-0x0000000000000000          10M                               pmd\n"
    let dump = try PageTableDump(bytes: Self.dump() + Array(tail.utf8), name: "ptdump")
    let last = try #require(dump.mappings.last)
    #expect(last == .init(start: 0xffff_ffff_ff60_0000, end: 0, section: "Fixmap Area", present: false, user: false, writable: false, executable: false))
    #expect(last.size == 0xa0_0000)
    #expect(last.contains(.max) && last.contains(0xffff_ffff_ff60_0000) && !last.contains(0xffff_ffff_ff5f_ffff))
    #expect(last.overlap(with: 0xffff_ffff_ff00_0000..<0xffff_ffff_ff70_0000) == 0x10_0000)
    // Checks measure such a mapping without trapping on its range.
    let top = try sample(Array("ffffffffff000000 T _text\nffffffffff100000 T _etext\n".utf8), "top.kallsyms")
    let wrapping = try PageTableDump(
      bytes: Array("---[ High Kernel Mapping ]---\n0xffffffffff000000-0x0000000000000000 16M RW PSE GLB x pmd\n".utf8), name: "pt")
    let report = KRXAnalysis.compare(
      base: KRXEvidence(layouts: [top], pageTables: wrapping), head: KRXEvidence(layouts: [top], pageTables: wrapping))
    #expect(outcome(report, "krx-image-permissions")?.headValue == "14 MiB executable outside the text, 1 MiB writable inside it")
    #expect(outcome(report, "krx-wx")?.headValue == "4096 W+X pages (High Kernel Mapping: 4096) per the page-table dump")
    // Any other end below its start is still refused.
    #expect(
      throws: InputError(
        .malformedLine, file: "ptdump", line: 2, column: 1,
        "expected a page-table line '0xSTART-0xEND  SIZE  [USR] RW|ro [PWT PCD PSE GLB] x|NX LEVEL', found '0xffffffffff600000-0x0000000000001000 10M pmd'")
    ) {
      _ = try PageTableDump(bytes: Array("---[ Fixmap Area ]---\n0xffffffffff600000-0x0000000000001000 10M pmd\n".utf8), name: "ptdump")
    }
  }

  @Test func malformedEvidenceIsNamed() throws {
    #expect(
      throws: InputError(
        .malformedLine, file: "ptdump", line: 2, column: 1,
        "expected a page-table line '0xSTART-0xEND  SIZE  [USR] RW|ro [PWT PCD PSE GLB] x|NX LEVEL', found '0xffffffff81000000-0xffffffff81e00000 14M ro x'")
    ) {
      _ = try PageTableDump(bytes: Array("---[ High Kernel Mapping ]---\n0xffffffff81000000-0xffffffff81e00000 14M ro x\n".utf8), name: "ptdump")
    }
    #expect(
      throws: InputError(
        .malformedLine, file: "ptdump", line: 1, column: 1,
        "the size 4M does not match the range 0xffffffff81000000-0xffffffff81200000, found '0xffffffff81000000-0xffffffff81200000  4M  ro  x  pmd'")
    ) {
      _ = try PageTableDump(bytes: Array("0xffffffff81000000-0xffffffff81200000  4M  ro  x  pmd\n".utf8), name: "ptdump")
    }
    #expect(
      throws: InputError(
        .refusedInput, file: "kallsyms",
        "shows every address as 0: kptr_restrict hid them from the user who copied it; read /proc/kallsyms as root with 'sysctl kernel.kptr_restrict=0', or give the kernel's System.map or vmlinux")
    ) {
      _ = try SymbolMapFile(bytes: Array("0000000000000000 T _text\n0000000000000000 T startup_64\n".utf8), name: "kallsyms")
    }
    #expect(
      throws: InputError(
        .malformedLine, file: ".config", line: 2, column: 1,
        "expected a kernel configuration line 'CONFIG_NAME=value' or '# CONFIG_NAME is not set', found 'RANDOMIZE_BASE=y'")
    ) {
      _ = try config("CONFIG_X=y\nRANDOMIZE_BASE=y\n")
    }
  }

  @Test func bootLogPageCountsAreUnsigned() throws {
    for count in ["-3", "+3", "18446744073709551616"] {
      let line = "[    1.2] x86/mm: Checked W+X mappings: FAILED, \(count) W+X pages found."
      #expect(
        throws: InputError(
          .malformedLine, file: "dmesg", line: 2, column: 1,
          "expected 'Checked W+X mappings: passed, …' or 'Checked W+X mappings: FAILED, N W+X pages found', found '\(line)'")
      ) {
        _ = try WXBootLog(bytes: Array("[    1.1] Run /init\n\(line)\n".utf8), name: "dmesg")
      }
    }
    let most = try WXBootLog(bytes: Array("x86/mm: Checked W+X mappings: FAILED, 18446744073709551615 W+X pages found.\n".utf8), name: "d")
    #expect(most.pages == UInt64.max)
  }

  @Test func bootLogVerdictsOfKernelAndUserPageTablesAddUp() throws {
    func log(_ text: String) throws -> WXBootLog { try WXBootLog(bytes: Array(text.utf8), name: "dmesg") }
    let checked = "[    1.10] x86/mm: Checked W+X mappings: passed, no W+X pages found.\n[    1.11] x86/mm: Checking user space page tables\n"
    // PTI's second walk, of the user page tables, fails while the first passed.
    #expect(try log(checked + "\n[    1.12] x86/mm: Checked W+X mappings: FAILED, 2 W+X pages found.\n").pages == 2)
    #expect(
      try log("x86/mm: Checked W+X mappings: FAILED, 3 W+X pages found.\nx86/mm: Checked W+X mappings: FAILED, 4 W+X pages found.\n").pages
        == 7)
    #expect(try log(checked + "[    1.12] x86/mm: Checked W+X mappings: passed, no W+X pages found.\n").pages == 0)
    let failing = KRXAnalysis.compare(
      base: KRXEvidence(bootLog: try log(checked + "x86/mm: Checked W+X mappings: passed, no W+X pages found.\n")),
      head: KRXEvidence(bootLog: try log(checked + "x86/mm: Checked W+X mappings: FAILED, 2 W+X pages found.\n")))
    #expect(outcome(failing, "krx-wx")?.status == .regressed)
    #expect(outcome(failing, "krx-wx")?.headValue == "2 W+X pages per the boot log")
    // A bad verdict is named by its line, blank lines counted.
    #expect(
      throws: InputError(
        .malformedLine, file: "dmesg", line: 4, column: 1,
        "expected 'Checked W+X mappings: passed, …' or 'Checked W+X mappings: FAILED, N W+X pages found', found 'x86/mm: Checked W+X mappings: FAILED, some W+X pages found.'")
    ) { _ = try log(checked + "\nx86/mm: Checked W+X mappings: FAILED, some W+X pages found.\n") }
    #expect(
      throws: InputError(
        .malformedLine, file: "dmesg", line: 2, column: 1,
        "expected W+X page counts that add up to at most 2^64-1 over the log's verdicts, found 'x86/mm: Checked W+X mappings: FAILED, 2 W+X pages found.'")
    ) {
      _ = try log(
        "x86/mm: Checked W+X mappings: FAILED, 18446744073709551615 W+X pages found.\nx86/mm: Checked W+X mappings: FAILED, 2 W+X pages found.\n")
    }
  }

  @Test func evidenceFilesRoundTripThroughASnapshot() throws {
    let files = [
      EvidenceFile(kind: .layout, name: "boot1", bytes: kallsyms(text: 0xffff_ffff_8100_0000, functions: [("fn", 0x1000)])),
      EvidenceFile(kind: .config, name: ".config", bytes: Array("CONFIG_RANDOMIZE_BASE=y\n".utf8)),
    ]
    let snapshot = Snapshot(
      metadata: SnapshotMetadata(workload: "w", toolVersion: "t", symbolSource: "System.map", symbolFile: "s", hasFileInformation: false),
      runs: [], subjects: [], sites: [], edges: [], evidence: files)
    let decoded = try SnapshotCodec.decode(SnapshotCodec.encode(snapshot), file: "s")
    #expect(decoded.evidence == files)
    // A second run's boot adds a sample; its configuration replaces the first.
    var second = snapshot
    second.evidence = [
      EvidenceFile(kind: .layout, name: "boot2", bytes: kallsyms(text: 0xffff_ffff_8120_0000, functions: [("fn", 0x1000)])),
      EvidenceFile(kind: .config, name: ".config", bytes: Array("CONFIG_RANDOMIZE_BASE=m\n".utf8)),
    ]
    let merged = snapshot.adding(runsOf: second)
    #expect(merged.evidence.map(\.name) == ["boot1", "boot2", ".config"])
    let evidence = try KRXEvidence(files: merged.evidence)
    #expect(evidence.layouts.count == 2)
    #expect(evidence.config?["RANDOMIZE_BASE"] == .set("m"))
  }
}
