import Drift

/// krx-config: Kconfig options that protect randomisation and memory
/// permissions. An option regresses when it held in base and not in head;
/// a missing option is judged as kernel-hardening-checker judges it (an
/// expected "is not set" is met by absence, an expected `y` is not). What
/// Kconfig itself decides on x86-64 counts (`X86Kconfig`): a defconfig
/// leaves options at their default out (x86_64_defconfig never names
/// RANDOMIZE_BASE, which defaults to y), an option whose dependency is off
/// is dropped (RANDOMIZE_BASE without RELOCATABLE), and STRICT_KERNEL_RWX
/// has no prompt on x86, so writing it off changes nothing.
enum ConfigCheck {
  static let name = "krx-config"

  struct Rule: Sendable {
    var item: String
    var expected: String
    var options: [String]
    /// Whether a config gives the protection, as Kconfig builds it.
    var holds: @Sendable (KernelConfig) -> Bool

    /// Whether it holds by Kconfig's default alone: a defconfig that leaves
    /// out every option with a y default that gives it.
    func byDefault(in config: KernelConfig) -> Bool {
      let on = options.filter { X86Kconfig.dependencies[$0] != nil && X86Kconfig.isOn($0, in: config) }
      return config.isDefconfig && !on.isEmpty && on.allSatisfy { config[$0] == nil }
    }

    /// An option the file writes off though Kconfig builds it y.
    func overridden(in config: KernelConfig) -> String? { options.first { X86Kconfig.isOverridden($0, in: config) } }

    /// An option given (written y, or left to a y default) but dropped for
    /// a dependency the file turns off, with that dependency.
    func dropped(in config: KernelConfig) -> (option: String, dependency: String)? {
      for option in options where config[option] == nil || config.isEnabled(option) {
        if let dependency = X86Kconfig.droppingDependency(of: option, in: config) {
          return (option, dependency)
        }
      }
      return nil
    }
  }

  static func enabled(_ options: String..., orOff off: String? = nil) -> Rule {
    Rule(
      item: options.map { "CONFIG_\($0)" }.joined(separator: " or ") + (off.map { " or CONFIG_\($0) off" } ?? ""),
      expected: "y" + (off.map { " (or CONFIG_\($0) is not set)" } ?? ""), options: options + (off.map { [$0] } ?? []),
      holds: { config in options.contains { X86Kconfig.isOn($0, in: config) } || off.map(config.isOff) == true })
  }

  static func off(_ option: String, when condition: String? = nil) -> Rule {
    Rule(
      item: "CONFIG_\(option)", expected: "is not set" + (condition.map { " (judged when CONFIG_\($0)=y)" } ?? ""),
      options: [option], holds: { config in config.isOff(option) })
  }

  static let rules: [Rule] = [
    enabled("RANDOMIZE_BASE"),
    enabled("RANDOMIZE_MEMORY"),
    enabled("RANDOMIZE_KSTACK_OFFSET_DEFAULT"),
    enabled("SLAB_FREELIST_RANDOM"),
    enabled("SHUFFLE_PAGE_ALLOCATOR"),
    enabled("RANDOM_KMALLOC_CACHES"),
    enabled("RANDSTRUCT_FULL", "GCC_PLUGIN_RANDSTRUCT"),
    enabled("STRICT_KERNEL_RWX", "DEBUG_RODATA"),
    enabled("STRICT_MODULE_RWX", "DEBUG_SET_MODULE_RONX", orOff: "MODULES"),
    enabled("DEBUG_WX"),
    enabled("VMAP_STACK"),
    enabled("PAGE_TABLE_ISOLATION", "MITIGATION_PAGE_TABLE_ISOLATION"),
    enabled("FG_KASLR"),
    enabled("KRX"),
    enabled("KRX_MPX"),
    off("KASAN"),
  ]

  /// Numeric options whose rise costs entropy: fewer slots for the image or
  /// coarser function shuffling.
  static let noRise = ["PHYSICAL_ALIGN", "FG_KASLR_SHIFT"]

  /// An option as a report shows it: `RANDOMIZE_BASE=y`, `RANDOMIZE_BASE is
  /// not set`, or absent with what Kconfig makes of it.
  static func show(_ option: String, in config: KernelConfig) -> String {
    switch config[option] {
    case .notSet?: "\(option) is not set"
    case .set(let value)?:
      "\(option)=\(value)" + (X86Kconfig.droppingDependency(of: option, in: config).map { ", dropped: needs \($0)" } ?? "")
    case nil: X86Kconfig.isOn(option, in: config) && config.isDefconfig ? "\(option) absent (Kconfig's default y)" : "\(option) absent"
    }
  }

  static func run(base: KernelConfig?, head: KernelConfig?) -> [CheckOutcome] {
    guard let base, let head else {
      return [
        CheckOutcome(
          check: name, status: .skipped,
          message: "skipped: no kernel configuration for \(base == nil ? "base" : "head") (record with --config or --config-path)")
      ]
    }
    let basis = Format.basis(base: base.name, head: head.name)
    var outcomes: [CheckOutcome] = []
    for rule in rules {
      let (before, after) = (rule.holds(base), rule.holds(head))
      let show = { (config: KernelConfig) in rule.options.map { Self.show($0, in: config) }.joined(separator: ", ") }
      let regressed = before && !after
      let message: String
      switch (regressed, after, rule.byDefault(in: base), rule.byDefault(in: head)) {
      case (true, _, _, _) where rule.dropped(in: head) != nil:
        let (option, dependency) = rule.dropped(in: head)!
        message = "\(rule.item) held in base; in head CONFIG_\(option) depends on CONFIG_\(dependency), which head's configuration leaves off, so Kconfig drops it"
      case (true, _, true, _): message = "\(rule.item) is left to its Kconfig default (y) in base's defconfig and turned off in head's"
      case (true, _, _, _): message = "\(rule.item) held in base and no longer holds in head"
      case (_, true, _, _) where rule.overridden(in: head) != nil:
        message = "head's configuration writes CONFIG_\(rule.overridden(in: head)!) off, but x86 gives it no prompt (arch/Kconfig asks only with ARCH_OPTIONAL_KERNEL_RWX): Kconfig builds it y, so \(rule.item) holds"
      case (_, true, true, true): message = "\(rule.item) is left to its Kconfig default (y) in both defconfigs: no change"
      case (_, true, _, true): message = "\(rule.item) holds in head, by its Kconfig default (y) in head's defconfig"
      case (_, true, _, _): message = "\(rule.item) holds in head"
      default: message = "\(rule.item) holds in neither base nor head: no change"
      }
      outcomes.append(
        CheckOutcome(
          check: name, item: rule.item, status: regressed ? .regressed : (after ? .held : .unmet), baseValue: show(base),
          headValue: show(head), threshold: "expected \(rule.expected)", message: message,
          basis: basis, file: head.treePath,
          // An option Kconfig dropped is located where its dependency is turned off.
          line: rule.options.compactMap { head.lines[$0] }.min() ?? rule.dropped(in: head).flatMap { head.lines[$0.dependency] }))
    }
    for option in noRise {
      // A defconfig that leaves a number out has Kconfig's default.
      let (before, after) = (X86Kconfig.number(option, in: base), X86Kconfig.number(option, in: head))
      let regressed = before.map { old in after.map { $0 > old } ?? false } ?? false
      let shown = { (config: KernelConfig, value: UInt64?) in
        config[option] == nil ? value.map { "absent (Kconfig's default \(Format.hex($0)))" } ?? "absent" : config.display(option)
      }
      let (from, to) = (shown(base, before), shown(head, after))
      outcomes.append(
        CheckOutcome(
          check: name, item: "CONFIG_\(option)", status: regressed ? .regressed : .held,
          baseValue: from, headValue: to, threshold: "no rise",
          message: regressed ? "CONFIG_\(option) rose from \(from) to \(to)" : "CONFIG_\(option) did not rise",
          basis: basis, file: head.treePath, line: head.lines[option]))
    }
    // The padding comes with RANDOMIZE_MEMORY (default 0xa): judged only
    // where both kernels randomise memory, so enabling that is no regression.
    let padding = "RANDOMIZE_MEMORY_PHYSICAL_PADDING"
    if X86Kconfig.isOn("RANDOMIZE_MEMORY", in: base), X86Kconfig.isOn("RANDOMIZE_MEMORY", in: head) {
      // Left out of a defconfig, it is Kconfig's 0xa.
      let off = { (config: KernelConfig) in (X86Kconfig.number(padding, in: config) ?? 0) == 0 }
      let regressed = off(base) && !off(head)
      outcomes.append(
        CheckOutcome(
          check: name, item: "CONFIG_\(padding)", status: regressed ? .regressed : .held,
          baseValue: base.display(padding), headValue: head.display(padding), threshold: "not turned on",
          message: regressed
            ? "CONFIG_\(padding) was turned on"
            : "CONFIG_\(padding) is \(off(base) ? "off" : "on") in base and \(off(head) ? "off" : "on") in head: not turned on",
          basis: basis, file: head.treePath, line: head.lines[padding]))
    }
    return outcomes
  }
}
