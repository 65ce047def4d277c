/// What Kconfig decides on x86-64 for the options the kR^X checks read,
/// where a file leaves an option out (a defconfig keeps only what differs
/// from the defaults) or writes what Kconfig would override.
enum X86Kconfig {
  /// Options that default to y on x86-64, each with the options it depends
  /// on (arch/x86/Kconfig, security/Kconfig, arch/Kconfig): without them,
  /// Kconfig drops the option whatever the file says.
  static let dependencies: [String: [String]] = [
    "RELOCATABLE": [],
    "RANDOMIZE_BASE": ["RELOCATABLE"],
    "RANDOMIZE_MEMORY": ["RANDOMIZE_BASE"],
    "VMAP_STACK": [],
    // Page-table isolation lies inside `if CPU_MITIGATIONS` (default y), in
    // 6.9 and in the stable kernels it was backported to (Debian's 6.1).
    "PAGE_TABLE_ISOLATION": ["CPU_MITIGATIONS"],
    "CPU_MITIGATIONS": [],
    "MITIGATION_PAGE_TABLE_ISOLATION": ["CPU_MITIGATIONS"],
    "STRICT_KERNEL_RWX": [],
    "STRICT_MODULE_RWX": ["MODULES"],
  ]

  /// Options with no prompt on x86: arch/Kconfig asks for them only `if
  /// ARCH_OPTIONAL_KERNEL_RWX`, which x86 does not select, so they are
  /// built y whatever a file writes (given their dependencies).
  static let unpromptable: Set<String> = ["STRICT_KERNEL_RWX", "STRICT_MODULE_RWX"]

  /// Hex options: Kconfig takes them with or without `0x`.
  static let hex: Set<String> = ["PHYSICAL_ALIGN", "PHYSICAL_START", "RANDOMIZE_MEMORY_PHYSICAL_PADDING"]

  /// Kconfig's defaults on x86-64 for the numbers the checks read.
  static let defaultNumbers: [String: UInt64] = [
    "PHYSICAL_ALIGN": 0x20_0000, "PHYSICAL_START": 0x100_0000, "RANDOMIZE_MEMORY_PHYSICAL_PADDING": 0xA,
  ]

  /// Whether Kconfig builds `option` y from `config`: as written, or by its
  /// default where a defconfig leaves it out, and never without its dependencies.
  static func isOn(_ option: String, in config: KernelConfig) -> Bool {
    guard droppingDependency(of: option, in: config) == nil else { return false }
    if unpromptable.contains(option) { return true }
    switch config[option] {
    case .set("y")?: return true
    case nil: return config.isDefconfig && dependencies[option] != nil
    default: return false
    }
  }

  /// Whether Kconfig builds `option` off, as far as `config` tells: written
  /// off, left out of a defconfig without a y default, or a dependency off.
  /// A full `.config` writes every option its architecture has, so one it
  /// lacks is not known to be off.
  static func isOff(_ option: String, in config: KernelConfig) -> Bool {
    switch config[option] {
    case .set("y")?, .set("m")?: droppingDependency(of: option, in: config) != nil
    case nil: config.isDefconfig && !isOn(option, in: config)
    default: true
    }
  }

  /// The dependency of `option` that `config` leaves off, dropping it.
  static func droppingDependency(of option: String, in config: KernelConfig) -> String? {
    dependencies[option]?.first { isOff($0, in: config) }
  }

  /// Whether `config` writes `option` off though Kconfig builds it y.
  static func isOverridden(_ option: String, in config: KernelConfig) -> Bool {
    config[option] != nil && config[option] != .set("y") && isOn(option, in: config)
  }

  /// A number as Kconfig has it: as written, else its default where a
  /// defconfig leaves it out.
  static func number(_ option: String, in config: KernelConfig) -> UInt64? {
    config.number(option) ?? (config.isDefconfig && config[option] == nil ? defaultNumbers[option] : nil)
  }
}
