import Drift

/// krx-cmdline: switches that turn randomisation or protection off at boot.
///
/// Each is judged as the kernel applies the command line: parameters in
/// order, the last one a handler accepts deciding (`mitigations=off
/// mitigations=auto` leaves mitigations on), sysctl arguments after all
/// others, and nothing after `--`.
enum CommandLineCheck {
  static let name = "krx-cmdline"
  typealias Effect = KernelCommandLine.Effect

  /// A protection a parameter can turn off.
  struct Switch: Sendable {
    /// As reports name it.
    var item: String
    /// How a parameter (name, value) bears on it, in the stages the kernel
    /// applies them; nil where it does not.
    var stages: [@Sendable (String, Substring?) -> Effect?]

    /// The parameter, as written, that decides it, and how.
    func decision(in commandLine: KernelCommandLine) -> (parameter: String, effect: Effect)? {
      stages.reversed().lazy.compactMap { commandLine.deciding($0) }.first
    }

    /// The parameter that turns it off, as written; nil when it is on.
    func setting(in commandLine: KernelCommandLine) -> String? {
      decision(in: commandLine).flatMap { $0.effect == .weakens ? $0.parameter : nil }
    }

    /// What a report shows of `commandLine` for it: the deciding parameter
    /// as written, even when it leaves the protection on.
    func shown(in commandLine: KernelCommandLine) -> String { decision(in: commandLine)?.parameter ?? "absent" }
  }

  /// A flag whose handler ignores any value: `no_hash_pointers=1` is `no_hash_pointers`.
  static func flag(_ name: String) -> @Sendable (String, Substring?) -> Effect? {
    { parameter, _ in parameter == name ? .weakens : nil }
  }

  /// A parameter whose value kstrtobool reads; false weakens.
  static func boolean(_ name: String) -> @Sendable (String, Substring?) -> Effect? {
    { parameter, value in
      guard parameter == name, let on = KernelCommandLine.kstrtobool(value) else { return nil }
      return on ? .keeps : .weakens
    }
  }

  /// A parameter whose handler knows `values`; the rest it rejects.
  static func choice(_ name: String, off: String, on: Set<String>) -> @Sendable (String, Substring?) -> Effect? {
    { parameter, value in
      guard parameter == name, let value else { return nil }
      return value == off ? .weakens : on.contains(String(value)) ? .keeps : nil
    }
  }

  /// Parameters that set one mode between them (`nopti` and `pti=`): the
  /// first reader that knows a parameter says how it bears.
  static func either(
    _ first: @escaping @Sendable (String, Substring?) -> Effect?, _ second: @escaping @Sendable (String, Substring?) -> Effect?
  ) -> @Sendable (String, Substring?) -> Effect? {
    { first($0, $1) ?? second($0, $1) }
  }

  /// What the check looks for, in report order.
  static let switches: [Switch] = [
    // Read by the decompressor and the EFI stub, whatever follows the name.
    Switch(item: "nokaslr", stages: [flag("nokaslr")]),
    // The out-of-tree FG-KASLR patches.
    Switch(item: "fgkaslr=off", stages: [either(flag("nofgkaslr"), choice("fgkaslr", off: "off", on: ["on"]))]),
    // `norandmaps` is a __setup matched by prefix, whatever follows; a
    // `sysctl.kernel.randomize_va_space` argument is applied after every
    // other parameter (do_sysctl_args), so it has the last word.
    Switch(
      item: "norandmaps",
      stages: [
        flag("norandmaps"),
        { parameter, value in
          guard parameter.replacingOccurrences(of: "/", with: ".") == "sysctl.kernel.randomize_va_space",
            let level = value.flatMap({ Int($0) })
          else { return nil }
          return level == 0 ? .weakens : .keeps
        },
      ]),
    // `nopti` ignores its value; `pti=` knows on, off and auto; both set one mode.
    Switch(item: "pti=off", stages: [either(flag("nopti"), choice("pti", off: "off", on: ["on", "auto"]))]),
    // kstrtobool up to 6.5; from 6.6 `on` and `off` alone (`full` on arm64).
    Switch(item: "rodata=off", stages: [either({ $0 == "rodata" && $1 == "full" ? .keeps : nil }, boolean("rodata"))]),
    Switch(item: "no_hash_pointers", stages: [flag("no_hash_pointers")]),
    Switch(item: "mitigations=off", stages: [choice("mitigations", off: "off", on: ["auto", "auto,nosmt"])]),
    Switch(item: "randomize_kstack_offset=off", stages: [boolean("randomize_kstack_offset")]),
  ]

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
        }
          ?? weakening.decision(in: head).map { "head's '\($0.parameter)' has the last word: '\(item)' is not in effect" }
          ?? "'\(item)' is absent",
        basis: Format.basis(base: base.name, head: head.name))
    }
  }
}
