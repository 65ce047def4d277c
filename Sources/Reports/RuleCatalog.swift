import Drift

/// One description per finding kind, which every format renders: a new kind
/// reaches JUnit, HTML, SARIF and Markdown by being listed here.
public struct ReportRule: Sendable {
  /// The finding kind (`new-access`, `krx-config`).
  public var id: String
  /// PascalCase, as SARIF names rules.
  public var name: String
  /// A line: what a finding of this kind says.
  public var title: String
  /// Why it matters and what to do.
  public var help: String
  /// SARIF's default level.
  public var level: String
}

public enum RuleCatalog {
  public static let rules: [ReportRule] = [
    ReportRule(
      id: "new-access", name: "NewCrossComponentAccess", title: "New cross-component access",
      help: "Code in one component reads or writes objects owned by another in head, and never did in any base run. Review whether the new privilege is intended; suppress it in capdiff.yml with a reason if it is.",
      level: "error"),
    ReportRule(
      id: "escalation", name: "AccessEscalation", title: "Read access became write access",
      help: "Code in one component only read another component's objects in base and writes them in head: a step up in privilege.",
      level: "error"),
    ReportRule(
      id: "removed-access", name: "RemovedAccess", title: "Cross-component access removed",
      help: "An edge of the base graph is gone from head: less privilege, or code the workload no longer reaches (coverage says which).",
      level: "note"),
    ReportRule(
      id: "growth", name: "AccessGrowth", title: "Cross-component access grew",
      help: "An edge present on both sides is backed by many more functions or object sites in head than in base.",
      level: "note"),
    ReportRule(
      id: "forbidden-access", name: "ForbiddenAccess", title: "Access a never rule forbids",
      help: "Code in one component reads or writes objects of another that a never rule in capdiff.yml forbids, whether or not base did too. It fails the gate in every mode and no suppression lifts it: fix the code, or narrow the rule.",
      level: "error"),
    ReportRule(
      id: "krx-config", name: "KRXConfigRegression", title: "Randomisation or memory-protection option weakened",
      help: "A Kconfig option that protects randomisation or memory permissions held in base and no longer holds in head.",
      level: "error"),
    ReportRule(
      id: "krx-cmdline", name: "KRXCommandLineRegression", title: "Protection switched off on the command line",
      help: "Head's kernel command line adds a switch (nokaslr, nopti, rodata=off, …) that base did not have.",
      level: "error"),
    ReportRule(
      id: "krx-base-slide", name: "KRXBaseSlideRegression", title: "Kernel base slide weakened",
      help: "Head's _text no longer moves between boots, or its slide entropy fell below base's.",
      level: "error"),
    ReportRule(
      id: "krx-function-shuffle", name: "KRXFunctionShuffleRegression", title: "Fewer functions move between samples",
      help: "Function-granular randomisation (FG-KASLR or diversified builds) covers fewer functions in head.",
      level: "error"),
    ReportRule(
      id: "krx-rigid-block", name: "KRXRigidBlockRegression", title: "Larger block of functions that move together",
      help: "One leaked pointer reveals every function of a rigid block; head's largest block grew or took in sensitive symbols.",
      level: "error"),
    ReportRule(
      id: "krx-text-coverage", name: "KRXTextCoverageRegression", title: "Less code in separately randomisable sections",
      help: "A smaller share of head's code sits in .text.* sections that can be shuffled at boot.",
      level: "error"),
    ReportRule(
      id: "krx-wx", name: "KRXWritableExecutable", title: "Writable and executable kernel pages",
      help: "Head maps kernel pages both writable and executable, more than base.",
      level: "error"),
    ReportRule(
      id: "krx-image-permissions", name: "KRXImagePermissions", title: "Kernel image permissions loosened",
      help: "Head has executable bytes outside [_text, _etext) or writable bytes inside it, beyond page rounding and beyond base.",
      level: "error"),
    ReportRule(
      id: "krx-code-data-boundary", name: "KRXCodeDataBoundary", title: "Code and data on the wrong side",
      help: "Data sits in the code range, code outside it, or (kR^X) something on the wrong side of __krx_edata, more than in base.",
      level: "error"),
  ]

  public static func rule(_ kind: String) -> ReportRule {
    rules.first { $0.id == kind }
      ?? ReportRule(id: kind, name: kind, title: kind, help: kind, level: "warning")
  }

  /// `new write access`, `escalation to write`: how a finding reads in a test name.
  static func phrase(_ finding: Finding) -> String {
    switch finding.kind {
    case "new-access": "new \(finding.access?.rawValue ?? "") access"
    case "escalation": "escalation to write"
    case "removed-access": "access removed"
    case "growth": "access grew"
    case "forbidden-access": "forbidden \(finding.access?.rawValue ?? "") access"
    default: rule(finding.kind).title.lowercased()
    }
  }
}
