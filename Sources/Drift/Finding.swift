public import Graph

/// How serious a finding is; the gate fails on high and medium by default.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
  case info, low, medium, high

  public static func < (a: Severity, b: Severity) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }

  /// One step up (sensitive object sites), high staying high.
  var raised: Severity { self == .high ? .high : Severity.allCases[Severity.allCases.firstIndex(of: self)! + 1] }
}

/// The checks of DESIGN §6.1.
public enum FindingKind: String, Sendable, Codable, CaseIterable {
  case newAccess = "new-access"
  case escalation
  case removedAccess = "removed-access"
  case growth
  /// An access a `never` rule forbids, new or not.
  case forbiddenAccess = "forbidden-access"
}

/// One subject function's accesses to one object site behind a finding.
public struct Evidence: Sendable, Codable, Equatable {
  public var function: String
  public var file: String?
  public var line: Int?
  public var site: String
  public var siteFile: String?
  public var allocType: String?
  public var slab: String?
  public var reads: UInt64
  public var writes: UInt64
}

/// A suppression that matched a finding.
public struct AppliedSuppression: Sendable, Codable, Equatable {
  public var reason: String
  public var owner: String?
  public var expires: String?

  /// Every key always there, absent values as `null`, as in all of findings.json.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(reason, forKey: .reason)
    try c.encode(owner, forKey: .owner)
    try c.encode(expires, forKey: .expires)
  }
}

/// A drift finding, as findings.json carries it (DESIGN §8.1).
public struct Finding: Sendable, Codable, Equatable {
  public struct Runs: Sendable, Codable, Equatable {
    public var seen: Int
    public var of: Int
  }

  /// A fingerprint of kind, subject, object, access and granularity: the
  /// same finding has the same id on any machine and in any run.
  public var id: String
  public var kind: String
  public var severity: Severity
  public var subject: String?
  public var object: String?
  public var access: Access?
  public var suppressed: Bool
  public var suppression: AppliedSuppression?
  public var runs: Runs
  public var message: String
  /// `newly-exercised` (new code in the trace), `not-exercised` (the
  /// workload no longer reaches the subject) or `code-removed` (head's
  /// kernel no longer has it), when coverage explains it.
  public var coverage: String?
  /// Whether this finding fails the gate.
  public var failsGate: Bool
  public var evidence: [Evidence]
  /// Whether an object site behind it is sensitive (credentials, keys, …).
  public var sensitive = false
  /// kR^X findings (`krx-*` kinds): the check, what it measured on each side
  /// and the threshold it applied.
  public var check: String? = nil
  /// What the check looked at within its family (`CONFIG_RANDOMIZE_BASE`, `nokaslr`).
  public var item: String? = nil
  public var baseValue: String? = nil
  public var headValue: String? = nil
  public var threshold: String? = nil
  /// The evidence file a kR^X finding is about (the `.config`), as a path in
  /// the kernel tree, for reports that locate results there; nil when the
  /// file is not the tree's (`/boot/config-…`, standard input).
  public var file: String? = nil
  /// The line of `file` it is about (the option's line).
  public var line: Int? = nil
  /// The components of `subject` and `object` (themselves at component
  /// granularity); nil for kR^X findings.
  public var subjectComponent: String? = nil
  public var objectComponent: String? = nil

  public var isKRX: Bool { kind.hasPrefix("krx-") }

  /// In how many runs it was seen, as the reports say it: `2 of 3`; a
  /// removed edge, in no head run by definition, `none of 3 head`.
  public var runsSeen: String {
    kind == FindingKind.removedAccess.rawValue ? "none of \(runs.of) head" : "\(runs.seen) of \(runs.of)"
  }

  /// A kR^X regression: no subject, object, access or runs; its id is a
  /// fingerprint of the check and the item it is about.
  public static func krx(
    check: String, item: String?, severity: Severity, failsGate: Bool, baseValue: String, headValue: String,
    threshold: String?, message: String, file: String? = nil, line: Int? = nil
  ) -> Finding {
    Finding(
      id: fingerprint([check] + (item.map { [$0] } ?? [])), kind: check, severity: severity, subject: nil, object: nil,
      access: nil, suppressed: false, suppression: nil, runs: Runs(seen: 0, of: 0), message: message, coverage: nil,
      failsGate: failsGate, evidence: [], check: check, item: item, baseValue: baseValue, headValue: headValue,
      threshold: threshold,
      file: file, line: line)
  }
}

/// What one check concluded, regression or not: reports list the checks that
/// held and those skipped (with why) beside the findings.
public struct CheckOutcome: Sendable, Encodable, Equatable {
  public enum Status: String, Sendable, Codable {
    case held, regressed
    /// The protection is missing from both kernels: no regression, and
    /// nothing held either (an expected option set on neither side, a
    /// weakening switch on both command lines).
    case unmet
    case skipped
  }
  /// `krx-config`, `krx-wx`, …
  public var check: String
  /// What the check looked at within its family: `CONFIG_RANDOMIZE_BASE`, `nokaslr`; nil for a whole check.
  public var item: String?
  public var status: Status
  public var baseValue: String?
  public var headValue: String?
  public var threshold: String?
  /// The verdict in words; for a skip, why.
  public var message: String
  /// The evidence the check used (`3 kallsyms samples (boots)`).
  public var basis: String?
  /// Whether this outcome fails the gate (a regression, or a skip the policy fails).
  public var failsGate = false
  /// The head evidence file the check read, where one file is the answer (the
  /// `.config`), as a path in the kernel tree; nil when it is not the tree's.
  public var file: String?
  /// The line of `file` that sets what the check judged.
  public var line: Int?
  /// The measure, as a number, for charts (a share from 0 to 1, bits, pages).
  public var baseMeasure: Double?
  public var headMeasure: Double?

  public init(
    check: String, item: String? = nil, status: Status, baseValue: String? = nil, headValue: String? = nil,
    threshold: String? = nil, message: String, basis: String? = nil, file: String? = nil, line: Int? = nil,
    baseMeasure: Double? = nil,
    headMeasure: Double? = nil
  ) {
    self.file = file
    self.line = line
    self.baseMeasure = baseMeasure
    self.headMeasure = headMeasure
    self.check = check
    self.item = item
    self.status = status
    self.baseValue = baseValue
    self.headValue = headValue
    self.threshold = threshold
    self.message = message
    self.basis = basis
  }
}

/// FNV-1a, 64 bits, as 16 hex digits.
public func fingerprint(_ parts: [String]) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in parts.joined(separator: "\u{1F}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
  let digits = String(hash, radix: 16)
  return String(repeating: "0", count: 16 - digits.count) + digits
}
