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
}

/// The rights an edge carries.
public enum Access: String, Sendable, Codable {
  case read
  case write
  case readWrite = "read-write"

  init(reads: UInt64, writes: UInt64) {
    self = writes == 0 ? .read : (reads == 0 ? .write : .readWrite)
  }

  /// Whether `self` includes writing.
  public var writes: Bool { self != .read }
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
  /// `newly-exercised` (new code in the trace) or `not-exercised` (the
  /// workload no longer reaches the subject), when coverage explains it.
  public var coverage: String?
  /// Whether this finding fails the gate.
  public var failsGate: Bool
  public var evidence: [Evidence]
}

/// FNV-1a, 64 bits, as 16 hex digits.
func fingerprint(_ parts: [String]) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in parts.joined(separator: "\u{1F}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
  let digits = String(hash, radix: 16)
  return String(repeating: "0", count: 16 - digits.count) + digits
}
