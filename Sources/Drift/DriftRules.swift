public import Components
public import Graph

/// What the policy file says about drift (DESIGN §6.1, §6.2, §7).
public struct DriftRules: Sendable, Equatable {
  /// Finding kinds and severities that fail the gate.
  public var failKinds: Set<FindingKind> = Set(FindingKind.allCases)
  public var failSeverities: Set<Severity> = [.high, .medium]
  /// Growth: functions or sites behind an edge grew by more than this share…
  public var growthRatio: Double = 0.5
  /// …and by at least this many.
  public var growthMinimum: Int = 2
  /// A head edge counts only when seen in at least this many runs.
  public var minRuns: Int = 1
  /// Object sites whose findings rise one severity: slab caches, and
  /// allocating functions or globals by glob.
  public var sensitiveSlabs: Set<String> = [
    "cred_jar", "task_struct", "key_jar", "lsm_file_cache", "lsm_inode_cache", "pgd_cache", "signal_cache",
    "sighand_cache", "files_cache", "fs_cache", "mm_struct", "nsproxy",
  ]
  public var sensitiveSites: [Glob] = [
    Glob("prepare_creds"), Glob("prepare_kernel_cred"), Glob("*_alloc_security"), Glob("lsm_*_alloc"),
    Glob("key_alloc"), Glob("init_cred"), Glob("init_task"), Glob("pgd_alloc"),
  ]
  public var suppressions: [Suppression] = []
  /// Default-deny mode: every cross-component access no `allow` rule covers is a finding.
  public var defaultDeny = false
  public var allow: [AccessRule] = []
  /// Accesses that fail the gate whenever they occur.
  public var never: [AccessRule] = []

  public init() {}
}

extension DriftRules {
  /// Warnings for the `allow` and `never` rules whose subject or object
  /// matches none of `components` (the components a comparison can see): a
  /// typo, or a subsystem another tree names, would otherwise apply to
  /// nothing without a word.
  public func rulesMatchingNoComponent(_ components: Set<String>) -> [String] {
    func unmatched(_ rules: [AccessRule], _ kind: String) -> [String] {
      rules.compactMap { rule in
        let missing = [("subject", rule.subject), ("object", rule.object)]
          .filter { _, glob in !components.contains(where: glob.matchesComponent) }
          .map { side, glob in "\(side) '\(glob.text)'" }
        guard !missing.isEmpty else { return nil }
        return "the \(kind) rule of policy line \(rule.line) applies to nothing: its \(missing.joined(separator: " and ")) matches no component of base or head"
      }
    }
    return unmatched(never, "never") + unmatched(allow, "allow")
  }
}

/// `subject`/`object` component globs and an optional access.
public struct AccessRule: Sendable, Equatable {
  public var subject: Glob
  public var object: Glob
  /// nil matches any access; `read` matches reads only; `write` any writing access.
  public var access: Access?
  public var line: Int

  public init(subject: Glob, object: Glob, access: Access?, line: Int) {
    self.subject = subject
    self.object = object
    self.access = access
    self.line = line
  }

  func matches(subject: String, object: String, access: Access) -> Bool {
    guard self.subject.matchesComponent(subject), self.object.matchesComponent(object) else { return false }
    switch self.access {
    case nil: return true
    case .read?: return access == .read
    case .write?, .readWrite?: return access.writes
    }
  }
}

/// A suppression: which findings, why, whose, until when.
public struct Suppression: Sendable, Equatable {
  public var rule: AccessRule
  public var kind: FindingKind?
  public var reason: String
  public var owner: String?
  /// `YYYY-MM-DD`; the suppression stops on that day.
  public var expires: String?

  public init(rule: AccessRule, kind: FindingKind?, reason: String, owner: String?, expires: String?) {
    self.rule = rule
    self.kind = kind
    self.reason = reason
    self.owner = owner
    self.expires = expires
  }

  func isExpired(today: String) -> Bool { expires.map { $0 <= today } ?? false }
}

extension Glob {
  /// Component names hold spaces and brackets but no paths: `*` crosses all.
  func matchesComponent(_ name: String) -> Bool {
    Glob(text.replacingAll("*", "**")).matches(name)
  }
}

extension String {
  func replacingAll(_ target: Character, _ replacement: String) -> String {
    var result = ""
    for c in self { if c == target { result += replacement } else { result.append(c) } }
    return result
  }
}
