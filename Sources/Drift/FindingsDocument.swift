/// `findings.json`, schema version 1: the stable machine contract (DESIGN §8.1).
public struct FindingsDocument: Sendable, Encodable {
  public struct Tool: Sendable, Encodable {
    public var name = "capdiff"
    public var version: String
  }

  public struct Side: Sendable, Encodable {
    public var commit: String?
    public var describe: String?
    public var workload: String
    public var runs: Int

    public init(commit: String?, describe: String?, workload: String, runs: Int) {
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

  public var schemaVersion = 1
  public var tool: Tool
  public var base: Side
  public var head: Side
  public var scheme: String
  public var granularity: String
  public var verdict: String
  public var counts: [String: Int]
  public var findings: [Finding]
  /// Every suppression of the policy: used, unused or expired.
  public var suppressions: [SuppressionReport]
  /// Base cross-component edges seen in only some base runs, of all of them.
  public var baseDisagreement: [String: Int]
  /// MAINTAINERS changes between the two commits: information, not findings.
  public var maintainersChanges: [String]

  public init(
    toolVersion: String, base: Side, head: Side, scheme: String, granularity: String, report: DriftReport,
    maintainersChanges: [String]
  ) {
    tool = Tool(version: toolVersion)
    self.base = base
    self.head = head
    self.scheme = scheme
    self.granularity = granularity
    verdict = report.gateFails ? "fail" : "pass"
    var counts = Dictionary(uniqueKeysWithValues: FindingKind.allCases.map { ($0.rawValue, 0) })
    counts["krx"] = 0
    counts["suppressed"] = 0
    for finding in report.findings {
      if finding.suppressed { counts["suppressed", default: 0] += 1 } else { counts[finding.kind, default: 0] += 1 }
    }
    self.counts = counts
    findings = report.findings
    suppressions = report.suppressions
    baseDisagreement = ["unstableEdges": report.baseDisagreement.unstable, "crossComponentEdges": report.baseDisagreement.of]
    self.maintainersChanges = maintainersChanges
  }
}

extension Finding {
  enum CodingKeys: String, CodingKey {
    case id, kind, severity, subject, object, access, suppressed, suppression, runs, message, coverage, failsGate, evidence
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
    try c.encode(runs, forKey: .runs)
    try c.encode(message, forKey: .message)
    try c.encode(coverage, forKey: .coverage)
    try c.encode(failsGate, forKey: .failsGate)
    try c.encode(evidence, forKey: .evidence)
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
