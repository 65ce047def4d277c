import Drift

/// krx-config: Kconfig options that protect randomisation and memory
/// permissions. An option regresses when it held in base and not in head;
/// a missing option is judged as kernel-hardening-checker judges it (an
/// expected "is not set" is met by absence, an expected `y` is not). A
/// defconfig leaves options at their Kconfig default out, so there a
/// protection whose options default to y on x86-64 and are all left out
/// holds (x86_64_defconfig never names RANDOMIZE_BASE, which defaults to
/// y): turned off in writing in head, it regresses.
enum ConfigCheck {
  static let name = "krx-config"

  struct Rule: Sendable {
    var item: String
    var expected: String
    var options: [String]
    /// Whether a config sets the protection in writing.
    var holds: @Sendable (KernelConfig) -> Bool
    /// The options Kconfig turns on by default on x86-64, when it does;
    /// empty for every other rule.
    var defaultY: [String] = []

    /// Whether `config` gives the protection, in writing or, in a
    /// defconfig that leaves its options out, by Kconfig's default.
    func holds(in config: KernelConfig) -> Bool { holds(config) || byDefault(in: config) }

    func byDefault(in config: KernelConfig) -> Bool {
      config.isDefconfig && !defaultY.isEmpty && defaultY.allSatisfy { config[$0] == nil }
    }
  }

  /// `defaultY`: the options default to y on x86-64.
  static func enabled(_ options: String..., orOff off: String? = nil, defaultY: Bool = false) -> Rule {
    Rule(
      item: options.map { "CONFIG_\($0)" }.joined(separator: " or ") + (off.map { " or CONFIG_\($0) off" } ?? ""),
      expected: "y" + (off.map { " (or CONFIG_\($0) is not set)" } ?? ""), options: options + (off.map { [$0] } ?? []),
      holds: { config in options.contains(where: config.isEnabled) || off.map(config.isOff) == true },
      defaultY: defaultY ? options : [])
  }

  static func off(_ option: String, when condition: String? = nil) -> Rule {
    Rule(
      item: "CONFIG_\(option)", expected: "is not set" + (condition.map { " (judged when CONFIG_\($0)=y)" } ?? ""),
      options: [option], holds: { config in config.isOff(option) })
  }

  static let rules: [Rule] = [
    enabled("RANDOMIZE_BASE", defaultY: true),
    enabled("RANDOMIZE_MEMORY", defaultY: true),
    enabled("RANDOMIZE_KSTACK_OFFSET_DEFAULT"),
    enabled("SLAB_FREELIST_RANDOM"),
    enabled("SHUFFLE_PAGE_ALLOCATOR"),
    enabled("RANDOM_KMALLOC_CACHES"),
    enabled("RANDSTRUCT_FULL", "GCC_PLUGIN_RANDSTRUCT"),
    enabled("STRICT_KERNEL_RWX", "DEBUG_RODATA", defaultY: true),
    enabled("STRICT_MODULE_RWX", "DEBUG_SET_MODULE_RONX", orOff: "MODULES", defaultY: true),
    enabled("DEBUG_WX"),
    enabled("VMAP_STACK", defaultY: true),
    enabled("PAGE_TABLE_ISOLATION", "MITIGATION_PAGE_TABLE_ISOLATION", defaultY: true),
    enabled("FG_KASLR"),
    enabled("KRX"),
    enabled("KRX_MPX"),
    off("KASAN"),
  ]

  /// Numeric options whose rise costs entropy: fewer slots for the image or
  /// coarser function shuffling.
  static let noRise = ["PHYSICAL_ALIGN", "FG_KASLR_SHIFT"]

  static func run(base: KernelConfig?, head: KernelConfig?) -> [CheckOutcome] {
    guard let base, let head else {
      return [
        CheckOutcome(
          check: name, status: .skipped,
          message: "skipped: no kernel configuration for \(base == nil ? "base" : "head") (record with --config or --config-path)")
      ]
    }
    let basis = "\(base.name) and \(head.name)"
    var outcomes: [CheckOutcome] = []
    for rule in rules {
      let (before, after) = (rule.holds(in: base), rule.holds(in: head))
      let show = { (config: KernelConfig) in rule.options.map { "\($0)=\(config.display($0))" }.joined(separator: ", ") }
      let regressed = before && !after
      let message: String
      switch (regressed, after, rule.byDefault(in: base), rule.byDefault(in: head)) {
      case (true, _, true, _): message = "\(rule.item) is left to its Kconfig default (y) in base's defconfig and turned off in head's"
      case (true, _, _, _): message = "\(rule.item) held in base and no longer holds in head"
      case (_, true, true, true): message = "\(rule.item) is left to its Kconfig default (y) in both defconfigs: no change"
      case (_, true, _, true): message = "\(rule.item) holds in head, by its Kconfig default (y) in head's defconfig"
      case (_, true, _, _): message = "\(rule.item) holds in head"
      default: message = "\(rule.item) holds in neither base nor head: no change"
      }
      outcomes.append(
        CheckOutcome(
          check: name, item: rule.item, status: regressed ? .regressed : (after ? .held : .unmet), baseValue: show(base),
          headValue: show(head), threshold: "expected \(rule.expected)", message: message,
          basis: basis, file: head.treePath, line: rule.options.compactMap { head.lines[$0] }.min()))
    }
    for option in noRise {
      let (before, after) = (base.number(option), head.number(option))
      let regressed = before.map { old in after.map { $0 > old } ?? false } ?? false
      outcomes.append(
        CheckOutcome(
          check: name, item: "CONFIG_\(option)", status: regressed ? .regressed : .held,
          baseValue: base.display(option), headValue: head.display(option), threshold: "no rise",
          message: regressed ? "CONFIG_\(option) rose from \(base.display(option)) to \(head.display(option))" : "CONFIG_\(option) did not rise",
          basis: basis, file: head.treePath, line: head.lines[option]))
    }
    // The padding comes with RANDOMIZE_MEMORY (default 0xa): judged only
    // where both kernels randomise memory, so enabling that is no regression.
    let padding = "RANDOMIZE_MEMORY_PHYSICAL_PADDING"
    if base.isEnabled("RANDOMIZE_MEMORY"), head.isEnabled("RANDOMIZE_MEMORY") {
      let regressed = base.isOff(padding) && !head.isOff(padding)
      outcomes.append(
        CheckOutcome(
          check: name, item: "CONFIG_\(padding)", status: regressed ? .regressed : .held,
          baseValue: base.display(padding), headValue: head.display(padding), threshold: "not turned on",
          message: regressed ? "CONFIG_\(padding) was turned on" : "CONFIG_\(padding) was not turned on between base and head",
          basis: basis, file: head.treePath, line: head.lines[padding]))
    }
    return outcomes
  }
}
