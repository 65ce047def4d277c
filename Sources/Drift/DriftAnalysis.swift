public import Components
public import Snapshot
public import Graph

/// How finely edges are grouped before base and head are compared.
public enum Granularity: String, Sendable, CaseIterable {
  case component, file, function
}

/// The inputs of one comparison.
public struct DriftInput {
  public var base: Snapshot
  public var head: Snapshot
  /// One scheme for both sides (by default the head commit's MAINTAINERS).
  public var map: ComponentMap
  /// The head tree, to turn build paths into tree paths.
  public var tree: TreePaths?
  /// Paths renamed from base to head: a base path is read as its head name.
  public var renames: [String: String]
  public var granularity: Granularity
  public var rules: DriftRules
  /// `YYYY-MM-DD`, for suppression expiry.
  public var today: String
  /// The functions of head's kernel image, from a symbol sample recorded
  /// with it; nil when none was. A removed access whose functions are not
  /// among them went away with its code, not with the workload's reach.
  public var headKernelFunctions: Set<String>?

  public init(
    base: Snapshot, head: Snapshot, map: ComponentMap, tree: TreePaths?, renames: [String: String],
    granularity: Granularity, rules: DriftRules, today: String, headKernelFunctions: Set<String>? = nil
  ) {
    self.headKernelFunctions = headKernelFunctions
    self.base = base
    self.head = head
    self.map = map
    self.tree = tree
    self.renames = renames
    self.granularity = granularity
    self.rules = rules
    self.today = today
  }
}

/// A suppression and what became of it.
public struct SuppressionReport: Sendable, Codable, Equatable {
  public enum Status: String, Sendable, Codable { case used, unused, expired }
  public var subject: String
  public var object: String
  public var reason: String
  public var owner: String?
  public var expires: String?
  public var status: Status
  /// Findings it suppressed (expired ones: would have suppressed).
  public var matched: Int

  /// Every key always there, absent values as `null`, as in all of findings.json.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(subject, forKey: .subject)
    try c.encode(object, forKey: .object)
    try c.encode(reason, forKey: .reason)
    try c.encode(owner, forKey: .owner)
    try c.encode(expires, forKey: .expires)
    try c.encode(status, forKey: .status)
    try c.encode(matched, forKey: .matched)
  }
}

/// The result of comparing two snapshots.
public struct DriftReport: Sendable {
  public var findings: [Finding]
  public var suppressions: [SuppressionReport]
  /// Base cross-component edges seen in some base runs but not all.
  public var baseDisagreement: (unstable: Int, of: Int)
  /// Cross-component edges, of base or head, with a sensitive object site
  /// behind them, finding or not.
  public var sensitiveEdges: Set<ComponentEdge> = []
  /// Every component a subject or an object site of base or head was given,
  /// pseudo-components included: what a policy rule can match.
  public var components: Set<String> = []
  public var gateFails: Bool { findings.contains { $0.failsGate } }
}

/// Compares the privilege graphs of base and head (DESIGN §6.1, §6.2).
public enum DriftAnalysis {
  public static func compare(_ input: DriftInput) -> DriftReport {
    let baseFunctions = Set(input.base.subjects.lazy.map(\.function))
    let headFunctions = Set(input.head.subjects.lazy.map(\.function))
    let names = Names()
    let base = Side(input.base, input: input, renames: input.renames, otherFunctions: headFunctions, names: names)
    let head = Side(input.head, input: input, renames: [:], otherFunctions: baseFunctions, names: names)
    let baseRuns = input.base.runs.count
    let headRuns = input.head.runs.count
    let rules = input.rules
    var findings: [Finding] = []

    func finding(
      _ kind: FindingKind, _ key: Key, _ group: Group, in side: Side, severity: Severity, runs: Finding.Runs,
      message: String, coverage: String? = nil
    ) -> Finding {
      let access = Access(reads: group.reads, writes: group.writes)
      return Finding(
        id: fingerprint([kind.rawValue, key.subject, key.object, access.rawValue, input.granularity.rawValue]),
        kind: kind.rawValue, severity: group.sensitive && kind != .removedAccess ? severity.raised : severity,
        subject: key.subject, object: key.object, access: access, suppressed: false, suppression: nil, runs: runs,
        message: message + (group.sensitive && kind != .removedAccess ? " (sensitive object site)" : ""),
        coverage: coverage, failsGate: false, evidence: side.evidence(group), sensitive: group.sensitive,
        subjectComponent: group.subjectComponent, objectComponent: group.ownerComponent)
    }

    // Every group of either side, findings or not: the components rules may
    // name, and the sensitive edges the graph marks.
    var components = Set<String>()
    var sensitiveEdges = Set<ComponentEdge>()
    func note(_ group: Group) {
      components.insert(group.subjectComponent)
      components.insert(group.ownerComponent)
      if group.sensitive && isCross(group) {
        sensitiveEdges.insert(ComponentEdge(subject: group.subjectComponent, owner: group.ownerComponent))
      }
    }

    for (packed, index) in head.slots {
      let group = head.group(index)
      note(group)
      let key = group.key
      guard group.runs >= rules.minRuns else { continue }
      let access = Access(reads: group.reads, writes: group.writes)
      let runs = Finding.Runs(seen: group.runs, of: headRuns)
      if let never = rules.never.first(where: { $0.matches(subject: group.subjectComponent, object: group.ownerComponent, access: access) }) {
        var forbidden = finding(
          .forbiddenAccess, key, group, in: head, severity: .high, runs: runs,
          message: "\(key.subject) \(verb(access)) objects owned by \(key.object), which a never rule (policy line \(never.line)) forbids"
            + (base.group(packed).map { old in
              never.matches(subject: old.subjectComponent, object: old.ownerComponent, access: Access(reads: old.reads, writes: old.writes))
            } == true ? "; base had this access too" : ""))
        forbidden.failsGate = true
        findings.append(forbidden)
        continue
      }
      guard isCross(group) else { continue }
      if rules.defaultDeny {
        if !rules.allow.contains(where: { $0.matches(subject: group.subjectComponent, object: group.ownerComponent, access: access) }) {
          findings.append(
            finding(
              .newAccess, key, group, in: head, severity: access.writes ? .high : .medium, runs: runs,
              message: "\(key.subject) \(verb(access)) objects owned by \(key.object), which no allow rule permits (default-deny)"))
        }
        continue
      }
      guard let old = base.group(packed) else {
        let newCode = head.isNewToOtherSide(group)
        findings.append(
          finding(
            .newAccess, key, group, in: head, severity: access.writes ? .high : .medium, runs: runs,
            message: "\(key.subject) now \(verb(access)) objects owned by \(key.object)"
              + (newCode ? "; its code is new to the trace (newly exercised)" : ""),
            coverage: newCode ? "newly-exercised" : nil))
        continue
      }
      if old.writes == 0, group.writes > 0 {
        findings.append(
          finding(
            .escalation, key, group, in: head, severity: .high, runs: runs,
            message: "\(key.subject) only read objects owned by \(key.object) in base, and writes them in head"))
        continue
      }
      let (oldFunctions, oldSites) = (old.functions, old.sites)
      let (newFunctions, newSites) = (group.functions, group.sites)
      if grew(oldFunctions, newFunctions, rules) || grew(oldSites, newSites, rules) {
        findings.append(
          finding(
            .growth, key, group, in: head, severity: .low, runs: runs,
            message: "\(key.subject) → \(key.object) grew from \(oldFunctions) to \(newFunctions) functions and from \(oldSites) to \(newSites) object sites"))
      }
    }
    if !rules.defaultDeny {
      for (packed, index) in base.slots where head.slots[packed] == nil {
        let group = base.group(index)
        let key = group.key
        guard isCross(group) else { continue }
        let access = Access(reads: group.reads, writes: group.writes)
        let reached = !base.isNewToOtherSide(group)
        let gone = reached ? nil : input.headKernelFunctions.flatMap { base.functions(group, noneOf: $0) }
        let message =
          if reached {
            "\(key.subject) no longer \(verb(access)) objects owned by \(key.object)"
          } else if let gone {
            "\(key.subject) → \(key.object) went away with its code: head's kernel has no \(gone.prefix(3).joined(separator: ", "))"
          } else {
            "\(key.subject) → \(key.object) was not exercised: the workload no longer reaches \(base.functionNames(group).sorted().prefix(3).joined(separator: ", "))"
          }
        findings.append(
          finding(
            .removedAccess, key, group, in: base, severity: .info, runs: Finding.Runs(seen: 0, of: headRuns),
            message: message, coverage: reached ? nil : (gone == nil ? "not-exercised" : "code-removed")))
      }
    }
    var suppressionUse = [Int](repeating: 0, count: rules.suppressions.count)
    // A never rule is absolute, as SELinux's neverallow is: no suppression
    // lifts it, so its findings are not offered to them.
    for index in findings.indices where findings[index].kind != FindingKind.forbiddenAccess.rawValue {
      let access = findings[index].access ?? .read
      let subject = findings[index].subject ?? ""
      let object = findings[index].object ?? ""
      for (number, suppression) in rules.suppressions.enumerated()
      where suppression.rule.matches(subject: subject, object: object, access: access)
        && (suppression.kind.map { $0.rawValue == findings[index].kind } ?? true)
      {
        suppressionUse[number] += 1
        if suppression.isExpired(today: input.today) { continue }
        findings[index].suppressed = true
        findings[index].suppression = AppliedSuppression(
          reason: suppression.reason, owner: suppression.owner, expires: suppression.expires)
        break
      }
      if !findings[index].suppressed, !findings[index].failsGate,
        let kind = FindingKind(rawValue: findings[index].kind)
      {
        findings[index].failsGate =
          rules.failKinds.contains(kind) && rules.failSeverities.contains(findings[index].severity)
      }
    }
    let suppressions = rules.suppressions.enumerated().map { number, suppression in
      SuppressionReport(
        subject: suppression.rule.subject.text, object: suppression.rule.object.text, reason: suppression.reason,
        owner: suppression.owner, expires: suppression.expires,
        status: suppression.isExpired(today: input.today) ? .expired : (suppressionUse[number] > 0 ? .used : .unused),
        matched: suppressionUse[number])
    }
    let baseGroups = base.slots.values.map(base.group)
    let crossBase = baseGroups.filter(isCross)
    let unstable = crossBase.filter { $0.runs < baseRuns }.count
    findings.sort { ($1.severity, $0.subject ?? "", $0.object ?? "", $0.kind) < ($0.severity, $1.subject ?? "", $1.object ?? "", $1.kind) }
    baseGroups.forEach(note)
    var report = DriftReport(findings: findings, suppressions: suppressions, baseDisagreement: (unstable, crossBase.count))
    report.components = components
    report.sensitiveEdges = sensitiveEdges
    return report
  }

  private static func verb(_ access: Access) -> String {
    switch access {
    case .read: "reads"
    case .write: "writes"
    case .readWrite: "reads and writes"
    }
  }

  private static func isCross(_ group: Group) -> Bool {
    PseudoComponent.crosses(subject: group.subjectComponent, owner: group.ownerComponent)
  }

  private static func grew(_ old: Int, _ new: Int, _ rules: DriftRules) -> Bool {
    new - old >= rules.growthMinimum && Double(new) > Double(old) * (1 + rules.growthRatio)
  }
}
