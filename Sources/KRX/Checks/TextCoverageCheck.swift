import Drift
import Symbols

/// krx-text-coverage: the share of the kernel's code in separately
/// randomisable `.text.*` sections (what FG-KASLR shuffles at boot), from
/// vmlinux's section headers.
enum TextCoverageCheck {
  static let name = "krx-text-coverage"

  static func measure(_ sections: ELFSections) -> (share: Double, separate: UInt64, total: UInt64) {
    // [_stext, _etext) is the `.text` output section and, in an FG-KASLR
    // build, the `.text.*` sections kept apart from it.
    let code = sections.sections.filter { $0.executable && $0.allocated && ($0.name == ".text" || $0.name.hasPrefix(".text.")) }
    let total = code.map(\.size).saturatingSum()
    let separate = code.filter { $0.name.hasPrefix(".text.") }.map(\.size).saturatingSum()
    return (total == 0 ? 0 : Double(separate) / Double(total), separate, total)
  }

  static func run(base: ELFSections?, head: ELFSections?, rules: KRXRules) -> [CheckOutcome] {
    guard let base, let head else {
      return [
        CheckOutcome(
          check: name, status: .skipped,
          message: "skipped: no vmlinux section headers for \(base == nil ? "base" : "head") (record with the vmlinux as --symbols, or give capdiff krx --base-vmlinux/--head-vmlinux)")
      ]
    }
    let (old, new) = (measure(base), measure(head))
    let regressed = old.share - new.share > rules.textCoverageDrop
    let describe = { (m: (share: Double, separate: UInt64, total: UInt64)) in
      "\(Format.percent(m.share)) of \(Format.bytes(m.total)) of code in .text.* sections"
    }
    return [
      CheckOutcome(
        check: name, status: regressed ? .regressed : (old.separate == 0 && new.separate == 0 ? .unmet : .held),
        baseValue: describe(old), headValue: describe(new),
        threshold: "drops at most \(Format.percent(rules.textCoverageDrop))",
        message: regressed
          ? "the separately randomisable share of code fell from \(Format.percent(old.share)) to \(Format.percent(new.share))"
          : old.separate == 0 && new.separate == 0
            ? "no code lies in separately randomisable .text.* sections in base or head"
            : "the separately randomisable share of code held",
        basis: "vmlinux section headers", baseMeasure: old.share, headMeasure: new.share)
    ]
  }
}
