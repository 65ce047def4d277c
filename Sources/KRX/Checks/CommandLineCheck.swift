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

    /// Whether `commandLine` holds it.
    func isSet(in commandLine: KernelCommandLine) -> Bool {
      switch self {
      case .parameter(let parameter): commandLine.contains(parameter)
      case .off(let name): commandLine.turnsOff(name)
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
      let parameter = weakening.item
      let (before, after) = (weakening.isSet(in: base), weakening.isSet(in: head))
      let regressed = after && !before
      return CheckOutcome(
        check: name, item: parameter, status: regressed ? .regressed : (after ? .unmet : .held),
        baseValue: before ? "present" : "absent",
        headValue: after ? "present" : "absent", threshold: "not added",
        message: regressed
          ? "head's command line adds '\(parameter)', which base did not have"
          : (after ? "'\(parameter)' is on both command lines: no change" : "'\(parameter)' is absent"),
        basis: "\(base.name) and \(head.name)")
    }
  }
}
