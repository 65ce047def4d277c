import Drift

/// krx-cmdline: switches that turn randomisation or protection off at boot.
enum CommandLineCheck {
  static let name = "krx-cmdline"
  /// A parameter that weakens the kernel when head adds it.
  enum Switch: Sendable {
    /// Matched as written, value and all.
    case parameter(String)
    /// A boolean parameter turned off in any spelling kstrtobool reads as false.
    case off(String)

    /// As reports name it.
    var item: String {
      switch self {
      case .parameter(let parameter): parameter
      case .off(let name): "\(name)=off"
      }
    }

    /// The parameter that sets it, as `commandLine` writes it; nil when unset.
    func setting(in commandLine: KernelCommandLine) -> String? {
      switch self {
      case .parameter(let parameter): commandLine.written(parameter)
      case .off(let name): commandLine.turningOff(name)
      }
    }

    /// What a report shows of `commandLine` for it: the parameter as
    /// written, a boolean's value even when it leaves the protection on.
    func shown(in commandLine: KernelCommandLine) -> String {
      switch self {
      case .parameter: setting(in: commandLine) ?? "absent"
      case .off(let name): commandLine.last(named: name) ?? "absent"
      }
    }
  }

  /// What the check looks for, in report order.
  static let switches: [Switch] =
    ["nokaslr", "nofgkaslr", "fgkaslr=off", "norandmaps", "nopti", "pti=off", "rodata=off", "no_hash_pointers", "mitigations=off"]
    .map(Switch.parameter) + [.off("randomize_kstack_offset")]

  static func run(base: KernelCommandLine?, head: KernelCommandLine?) -> [CheckOutcome] {
    guard let base, let head else {
      return [
        CheckOutcome(
          check: name, status: .skipped,
          message: "skipped: no kernel command line for \(base == nil ? "base" : "head") (record with --cmdline)")
      ]
    }
    return switches.map { weakening in
      let item = weakening.item
      let (before, after) = (weakening.setting(in: base), weakening.setting(in: head))
      // Quoted as written, and named as the check knows it where the two differ.
      func quoted(_ written: String) -> String { written == item ? "'\(item)'" : "'\(written)' (\(item))" }
      let regressed = after != nil && before == nil
      return CheckOutcome(
        check: name, item: item, status: regressed ? .regressed : (after != nil ? .unmet : .held),
        baseValue: weakening.shown(in: base), headValue: weakening.shown(in: head), threshold: "not added",
        message: after.map { written in
          regressed
            ? "head's command line adds \(quoted(written)), which base did not have"
            : "\(quoted(written)) is on both command lines: no change"
        } ?? "'\(item)' is absent",
        basis: "\(base.name) and \(head.name)")
    }
  }
}
