/// `findings.json`, schema version 1: the stable machine contract (DESIGN §8.1).
public struct FindingsDocument: Sendable, Encodable {
  public struct Tool: Sendable, Encodable {
    public var name = "capdiff"
    public var version: String
  }

  public struct Side: Sendable, Encodable {
    public var commit: String?
    public var describe: String?
    /// Null, with runs 0, for kR^X evidence given without a snapshot.
    public var workload: String?
    public var runs: Int

    public init(commit: String?, describe: String?, workload: String?, runs: Int) {
      self.commit = commit
      self.describe = describe
      self.workload = workload
      self.runs = runs
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(commit, forKey: .commit)
      try c.encode(describe, forKey: .describe)
      try c.encode(workload, forKey: .workload)
      try c.encode(runs, forKey: .runs)
    }

    enum CodingKeys: String, CodingKey { case commit, describe, workload, runs }
  }

  /// How a side is named: its describe, else its commit. A drift side with
  /// no runs is the empty one a gate without a baseline judges head against.
  public func name(of side: Side, fallback: String) -> String {
    side.describe ?? side.commit ?? (scheme != nil && side.runs == 0 ? "(no baseline)" : fallback)
  }

  public var schemaVersion = 1
  public var tool: Tool
  public var base: Side
  public var head: Side
  /// Null for a kR^X-only comparison (`capdiff krx`).
  public var scheme: String?
  public var granularity: String?
  public var verdict: String
  public var counts: [String: Int]
  public var findings: [Finding]
  /// Every suppression of the policy: used, unused or expired.
  public var suppressions: [SuppressionReport]
  /// Base cross-component edges seen in only some base runs, of all of them.
  public var baseDisagreement: [String: Int]
  /// MAINTAINERS changes between the two commits: information, not findings.
  public var maintainersChanges: [String]
  /// What limits the comparison, for a reader to weigh the verdict by
  /// (subjects recorded without source files).
  public var warnings: [String] = []
  /// Every kR^X check and what it concluded: held, regressed or skipped (and why).
  public var krx: [CheckOutcome]

  /// `findings` holds the drift report's findings, when there was a drift
  /// comparison, and any kR^X findings.
  public init(
    toolVersion: String, base: Side, head: Side, scheme: String?, granularity: String?, report: DriftReport?,
    krxFindings: [Finding] = [], krx: [CheckOutcome] = [], maintainersChanges: [String] = []
  ) {
    tool = Tool(version: toolVersion)
    self.base = base
    self.head = head
    self.scheme = scheme
    self.granularity = granularity
    let findings = Self.ordered((report?.findings ?? []) + krxFindings)
    verdict = findings.contains(where: \.failsGate) ? "fail" : "pass"
    var counts = Dictionary(uniqueKeysWithValues: FindingKind.allCases.map { ($0.rawValue, 0) })
    counts["krx"] = 0
    counts["suppressed"] = 0
    for finding in findings {
      if finding.suppressed {
        counts["suppressed", default: 0] += 1
      } else {
        counts[finding.isKRX ? "krx" : finding.kind, default: 0] += 1
      }
    }
    self.counts = counts
    self.findings = findings
    self.krx = krx
    suppressions = report?.suppressions ?? []
    baseDisagreement = [
      "unstableEdges": report?.baseDisagreement.unstable ?? 0, "crossComponentEdges": report?.baseDisagreement.of ?? 0,
    ]
    self.maintainersChanges = maintainersChanges
  }
}

extension FindingsDocument {
  enum CodingKeys: String, CodingKey {
    case schemaVersion, tool, base, head, scheme, granularity, verdict, counts, findings, suppressions
    case baseDisagreement, maintainersChanges, krx, warnings
  }

  /// Every key always there; absent values as `null`.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schemaVersion, forKey: .schemaVersion)
    try c.encode(tool, forKey: .tool)
    try c.encode(base, forKey: .base)
    try c.encode(head, forKey: .head)
    try c.encode(scheme, forKey: .scheme)
    try c.encode(granularity, forKey: .granularity)
    try c.encode(verdict, forKey: .verdict)
    try c.encode(counts, forKey: .counts)
    try c.encode(findings, forKey: .findings)
    try c.encode(suppressions, forKey: .suppressions)
    try c.encode(baseDisagreement, forKey: .baseDisagreement)
    try c.encode(maintainersChanges, forKey: .maintainersChanges)
    try c.encode(krx, forKey: .krx)
    try c.encode(warnings, forKey: .warnings)
  }

  /// Most severe first; then drift findings by subject and object, kR^X by check.
  static func ordered(_ findings: [Finding]) -> [Finding] {
    findings.sorted {
      ($1.severity, $0.isKRX ? 1 : 0, $0.subject ?? "", $0.object ?? "", $0.kind, $0.id)
        < ($0.severity, $1.isKRX ? 1 : 0, $1.subject ?? "", $1.object ?? "", $1.kind, $1.id)
    }
  }

  /// The exit status of DESIGN §8.6, a bitmask: 8 when the gate fails, 4
  /// for findings that do not fail it, 0 for nothing to report.
  public var exitStatus: Int32 {
    (findings.contains(where: \.failsGate) ? 8 : 0) | (findings.contains { !$0.failsGate && !$0.suppressed } ? 4 : 0)
  }
}

extension Finding {
  enum CodingKeys: String, CodingKey {
    case id, kind, severity, subject, object, access, suppressed, suppression, runs, message, coverage, failsGate, evidence
    case check, item, baseValue, headValue, threshold, sensitive, subjectComponent, objectComponent
  }

  /// Absent values are written as `null`, so every key is always there.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(kind, forKey: .kind)
    try c.encode(severity, forKey: .severity)
    try c.encode(subject, forKey: .subject)
    try c.encode(object, forKey: .object)
    try c.encode(access, forKey: .access)
    try c.encode(suppressed, forKey: .suppressed)
    try c.encode(suppression, forKey: .suppression)
    if isKRX {
      try c.encodeNil(forKey: .runs)
    } else {
      try c.encode(runs, forKey: .runs)
    }
    try c.encode(message, forKey: .message)
    try c.encode(coverage, forKey: .coverage)
    try c.encode(failsGate, forKey: .failsGate)
    try c.encode(evidence, forKey: .evidence)
    if isKRX {
      try c.encode(check, forKey: .check)
      try c.encode(item, forKey: .item)
      try c.encode(baseValue, forKey: .baseValue)
      try c.encode(headValue, forKey: .headValue)
      try c.encode(threshold, forKey: .threshold)
    } else {
      try c.encode(sensitive, forKey: .sensitive)
      try c.encode(subjectComponent, forKey: .subjectComponent)
      try c.encode(objectComponent, forKey: .objectComponent)
    }
  }
}

extension Evidence {
  enum CodingKeys: String, CodingKey {
    case function, file, line, site, siteFile, allocType, slab, reads, writes
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(function, forKey: .function)
    try c.encode(file, forKey: .file)
    try c.encode(line, forKey: .line)
    try c.encode(site, forKey: .site)
    try c.encode(siteFile, forKey: .siteFile)
    try c.encode(allocType, forKey: .allocType)
    try c.encode(slab, forKey: .slab)
    try c.encode(reads, forKey: .reads)
    try c.encode(writes, forKey: .writes)
  }
}

extension CheckOutcome {
  enum CodingKeys: String, CodingKey {
    case check, item, status, baseValue, headValue, threshold, message, basis, failsGate
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(check, forKey: .check)
    try c.encode(item, forKey: .item)
    try c.encode(status, forKey: .status)
    try c.encode(baseValue, forKey: .baseValue)
    try c.encode(headValue, forKey: .headValue)
    try c.encode(threshold, forKey: .threshold)
    try c.encode(message, forKey: .message)
    try c.encode(basis, forKey: .basis)
    try c.encode(failsGate, forKey: .failsGate)
  }
}
