import Drift

/// krx-cmdline: switches that turn randomisation or protection off at boot.
enum CommandLineCheck {
  static let name = "krx-cmdline"
  static let switches = ["nokaslr", "nofgkaslr", "fgkaslr=off", "norandmaps", "nopti", "pti=off", "rodata=off", "no_hash_pointers"]

  static func run(base: KernelCommandLine?, head: KernelCommandLine?) -> [CheckOutcome] {
    guard let base, let head else {
      return [
        CheckOutcome(
          check: name, status: .skipped,
          message: "skipped: no kernel command line for \(base == nil ? "base" : "head") (record with --cmdline)")
      ]
    }
    return switches.map { parameter in
      let (before, after) = (base.contains(parameter), head.contains(parameter))
      let regressed = after && !before
      return CheckOutcome(
        check: name, item: parameter, status: regressed ? .regressed : .held, baseValue: before ? "present" : "absent",
        headValue: after ? "present" : "absent", threshold: "not added",
        message: regressed
          ? "head's command line adds '\(parameter)', which base did not have"
          : (after ? "'\(parameter)' was already on base's command line" : "'\(parameter)' is absent"),
        basis: "\(base.name) and \(head.name)")
    }
  }
}
