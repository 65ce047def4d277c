public import Components
public import Drift
import Graph
public import KRX
import Yams

/// The policy file (`capdiff.yml`): the component scheme and its rules, and
/// the shared-allocator list.
public struct Policy: Sendable {
  /// The scheme the policy asks for; a command-line `--scheme` wins.
  public var scheme: ComponentScheme?
  public var componentRules: [ComponentRule] = []
  public var sharedAllocators: [String] = SharedAllocators.defaults
  /// Gate, thresholds, sensitive sites, suppressions, allow and never rules.
  public var drift = DriftRules()
  /// kR^X thresholds, sensitive symbols and how regressions and skips gate.
  public var krx = KRXRules()

  public init() {}

  /// Parses policy YAML; `file` names it in errors.
  public init(yaml: String, file: String) throws(PolicyError) {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw PolicyError(file: file, line: 0, column: 0, "is not valid YAML: \(error)")
    } catch {
      throw PolicyError(file: file, line: 0, column: 0, "is not valid YAML: \(error)")
    }
    guard let root else { return }  // an empty policy
    let top = try PolicyNode(node: root, file: file, path: "").mapping(
      allowed: ["components", "gate", "thresholds", "sensitive", "suppressions", "mode", "allow", "never", "krx"])
    try readDrift(top)
    if let section = top["krx"] { try readKRX(section) }
    if let components = top["components"] {
      let keys = try components.mapping(allowed: ["scheme", "rules", "shared-allocators", "extra-shared-allocators"])
      if let node = keys["scheme"] {
        let text = try node.string()
        guard let scheme = ComponentScheme(text) else {
          throw node.error("'components.scheme' must be 'maintainers' or 'dirs:N' (N ≥ 1), found '\(text)'")
        }
        self.scheme = scheme
      }
      for rule in try keys["rules"]?.sequence() ?? [] {
        let fields = try rule.mapping(allowed: ["path", "function", "component"])
        guard let component = fields["component"] else { throw rule.error("'\(rule.path)' needs a 'component'") }
        let name = try component.string()
        switch (fields["path"], fields["function"]) {
        case (let path?, nil): componentRules.append(ComponentRule(.path(Glob(try path.string())), component: name))
        case (nil, let function?):
          componentRules.append(ComponentRule(.function(Glob(try function.string())), component: name))
        default: throw rule.error("'\(rule.path)' needs exactly one of 'path' or 'function'")
        }
      }
      if let list = keys["shared-allocators"] { sharedAllocators = try list.strings() }
      if let extra = keys["extra-shared-allocators"] { sharedAllocators += try extra.strings() }
    }
  }

  private mutating func readKRX(_ section: PolicyNode) throws(PolicyError) {
    let keys = try section.mapping(
      allowed: ["fail-on-regression", "fail-on-skipped", "thresholds", "sensitive-symbols", "extra-sensitive-symbols"])
    func flag(_ key: String) throws(PolicyError) -> Bool? {
      guard let node = keys[key] else { return nil }
      switch try node.string() {
      case "true": return true
      case "false": return false
      case let other: throw node.error("'krx.\(key)' must be true or false, found '\(other)'")
      }
    }
    if let value = try flag("fail-on-regression") { krx.failOnRegression = value }
    if let value = try flag("fail-on-skipped") { krx.failOnSkipped = value }
    if let thresholds = keys["thresholds"] {
      let fields = try thresholds.mapping(allowed: ["slide-bits-drop", "shuffle-drop", "rigid-block-growth", "text-coverage-drop"])
      func number(_ key: String, _ upper: Double) throws(PolicyError) -> Double? {
        guard let node = fields[key] else { return nil }
        guard let value = Double(try node.string()), value >= 0, value <= upper else {
          throw node.error("'krx.thresholds.\(key)' must be a number from 0 to \(upper == 1 ? "1 (a share: 0.02 is 2 points)" : "64")")
        }
        return value
      }
      if let value = try number("slide-bits-drop", 64) { krx.slideBitsDrop = value }
      if let value = try number("shuffle-drop", 1) { krx.shuffleDrop = value }
      if let value = try number("rigid-block-growth", 1) { krx.rigidBlockGrowth = value }
      if let value = try number("text-coverage-drop", 1) { krx.textCoverageDrop = value }
    }
    if let list = keys["sensitive-symbols"] { krx.sensitiveSymbols = try list.strings().map(Glob.init) }
    if let list = keys["extra-sensitive-symbols"] { krx.sensitiveSymbols += try list.strings().map(Glob.init) }
  }

  private mutating func readDrift(_ top: [String: PolicyNode]) throws(PolicyError) {
    if let gate = top["gate"] {
      let keys = try gate.mapping(allowed: ["fail-on-kinds", "fail-on-severities"])
      if let kinds = keys["fail-on-kinds"] {
        drift.failKinds = []
        for item in try kinds.sequence() {
          let text = try item.string()
          guard let kind = FindingKind(rawValue: text) else {
            throw item.error("unknown finding kind '\(text)'; expected one of: \(FindingKind.allCases.map(\.rawValue).joined(separator: ", "))")
          }
          drift.failKinds.insert(kind)
        }
      }
      if let severities = keys["fail-on-severities"] {
        drift.failSeverities = []
        for item in try severities.sequence() {
          let text = try item.string()
          guard let severity = Severity(rawValue: text) else {
            throw item.error("unknown severity '\(text)'; expected one of: info, low, medium, high")
          }
          drift.failSeverities.insert(severity)
        }
      }
    }
    if let thresholds = top["thresholds"] {
      let keys = try thresholds.mapping(allowed: ["growth-ratio", "growth-minimum", "min-runs"])
      if let node = keys["growth-ratio"] {
        guard let value = Double(try node.string()), value >= 0 else { throw node.error("'thresholds.growth-ratio' must be a number ≥ 0") }
        drift.growthRatio = value
      }
      if let node = keys["growth-minimum"] {
        guard let value = Int(try node.string()), value >= 1 else { throw node.error("'thresholds.growth-minimum' must be a whole number ≥ 1") }
        drift.growthMinimum = value
      }
      if let node = keys["min-runs"] {
        guard let value = Int(try node.string()), value >= 1 else { throw node.error("'thresholds.min-runs' must be a whole number ≥ 1") }
        drift.minRuns = value
      }
    }
    if let sensitive = top["sensitive"] {
      let keys = try sensitive.mapping(allowed: ["slabs", "sites", "extra-slabs", "extra-sites"])
      if let slabs = keys["slabs"] { drift.sensitiveSlabs = Set(try slabs.strings()) }
      if let slabs = keys["extra-slabs"] { drift.sensitiveSlabs.formUnion(try slabs.strings()) }
      if let sites = keys["sites"] { drift.sensitiveSites = try sites.strings().map(Glob.init) }
      if let sites = keys["extra-sites"] { drift.sensitiveSites += try sites.strings().map(Glob.init) }
    }
    if let mode = top["mode"] {
      switch try mode.string() {
      case "baseline": drift.defaultDeny = false
      case "default-deny": drift.defaultDeny = true
      case let other: throw mode.error("'mode' must be 'baseline' or 'default-deny', found '\(other)'")
      }
    }
    for item in try top["allow"]?.sequence() ?? [] { drift.allow.append(try accessRule(item, extra: []).rule) }
    for item in try top["never"]?.sequence() ?? [] { drift.never.append(try accessRule(item, extra: []).rule) }
    for item in try top["suppressions"]?.sequence() ?? [] {
      let (rule, fields) = try accessRule(item, extra: ["reason", "owner", "expires", "kind"])
      guard let reason = fields["reason"] else { throw item.error("'\(item.path)' needs a 'reason': say why this finding is accepted") }
      var kind: FindingKind?
      if let node = fields["kind"] {
        let text = try node.string()
        guard let parsed = FindingKind(rawValue: text) else { throw node.error("unknown finding kind '\(text)'") }
        guard parsed != .forbiddenAccess else {
          throw node.error("a never rule cannot be suppressed: narrow or remove the rule under 'never' instead")
        }
        kind = parsed
      }
      var expires: String?
      if let node = fields["expires"] {
        let text = try node.string()
        guard Self.isDate(text) else { throw node.error("'expires' must be a date YYYY-MM-DD, found '\(text)'") }
        expires = text
      }
      let why = try reason.string()
      guard why.contains(where: { !$0.isWhitespace }) else {
        throw reason.error("'reason' is blank: say why this finding is accepted")
      }
      drift.suppressions.append(
        Suppression(rule: rule, kind: kind, reason: why, owner: try fields["owner"]?.string(), expires: expires))
    }
  }

  private func accessRule(_ node: PolicyNode, extra: [String]) throws(PolicyError) -> (rule: AccessRule, fields: [String: PolicyNode]) {
    let fields = try node.mapping(allowed: ["subject", "object", "access"] + extra)
    guard let subject = fields["subject"], let object = fields["object"] else {
      throw node.error("'\(node.path)' needs a 'subject' and an 'object' (component names; * matches any run of characters)")
    }
    var access: Access?
    if let node = fields["access"] {
      let text = try node.string()
      guard let parsed = Access(rawValue: text) else { throw node.error("'access' must be read, write or read-write, found '\(text)'") }
      access = parsed
    }
    return (AccessRule(subject: Glob(try subject.string()), object: Glob(try object.string()), access: access, line: node.line), fields)
  }

  /// A real calendar day written YYYY-MM-DD: dates compare as text, so a
  /// 2030-13-01 would suppress for ever and a 2026-00-00 never.
  private static func isDate(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
    else { return false }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return (1...days).contains(day)
  }
}
