import Drift
import Foundation

/// SARIF 2.1.0 (DESIGN §8.4): one rule per finding kind, results at the
/// subject function's file and line relative to the kernel tree (`SRCROOT`),
/// kR^X results at the configuration file where one file is the answer and
/// the kernel tree holds it, and every other result at the tree's top-level
/// Makefile.
/// Code-scanning services take at most 5,000 results a run: the most severe
/// are kept and the run's properties say how many were left out.
public enum SARIFWriter {
  public static let resultLimit = 5000

  public static func render(_ input: ReportInput) throws -> [UInt8] {
    let findings = input.document.findings
    let kept = Array(findings.prefix(resultLimit))
    let kinds = Array(Set(findings.map(\.kind)).union(RuleCatalog.rules.map(\.id))).sorted()
    let rules = kinds.map(RuleCatalog.rule)
    let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
    let results = kept.map { finding -> Result in
      let rule = RuleCatalog.rule(finding.kind)
      let level = finding.failsGate ? "error" : (finding.severity >= .medium ? "warning" : "note")
      var location: Location
      var properties: [String: String] = ["severity": finding.severity.rawValue]
      if let evidence = finding.evidence.first(where: { $0.file != nil }), let file = evidence.file {
        location = Location(file: file, line: evidence.line)
        // A removed access's lines are base's; a service reads locations
        // against the head commit it scans, where that line may hold other
        // code or lie past the end. The file is named, its base line kept apart.
        if finding.kind == FindingKind.removedAccess.rawValue {
          if let line = evidence.line { properties["baseLine"] = String(line) }
          location.line = nil
        }
      } else if let file = finding.file {
        location = Location(file: file, line: finding.line)
      } else {
        location = treeWide
      }
      if let subject = finding.subject { properties["subject"] = SafeText.clean(subject) }
      if let object = finding.object { properties["object"] = SafeText.clean(object) }
      if let access = finding.access { properties["access"] = access.rawValue }
      if let base = finding.baseValue { properties["baseValue"] = SafeText.clean(base) }
      if let head = finding.headValue { properties["headValue"] = SafeText.clean(head) }
      return Result(
        ruleId: rule.id, ruleIndex: ruleIndex[rule.id] ?? 0, level: level,
        message: Message(text: SafeText.clean(finding.message)),
        locations: [
          PhysicalLocationHolder(
            physicalLocation: PhysicalLocation(
              artifactLocation: ArtifactLocation(uri: URIPath.encode(location.file), uriBaseId: "SRCROOT"),
              // GitHub code scanning wants a line for every result: a file as a whole is its line 1.
              region: Region(startLine: max(1, location.line ?? 1))))
        ],
        partialFingerprints: ["capdiffFinding/v1": finding.id],
        suppressions: finding.suppression.map { [Suppression(kind: "external", justification: SafeText.clean($0.reason))] },
        properties: properties)
    }
    let log = Log(
      runs: [
        Run(
          tool: Tool(
            driver: Driver(
              name: "capdiff", version: input.document.tool.version,
              rules: rules.map { rule in
                RuleDescriptor(
                  id: rule.id, name: rule.name, shortDescription: Message(text: rule.title),
                  fullDescription: Message(text: rule.help), help: Message(text: rule.help),
                  defaultConfiguration: Configuration(level: rule.level))
              })),
          originalUriBaseIds: ["SRCROOT": BaseID(description: Message(text: "the root of the kernel source tree"))],
          results: results,
          properties: RunProperties(
            verdict: input.document.verdict, omittedResults: findings.count - kept.count,
            base: SafeText.clean(input.base?.describe ?? input.document.base.describe ?? ""),
            head: SafeText.clean(input.head?.describe ?? input.document.head.describe ?? "")))
      ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(log)) + [UInt8(ascii: "\n")]
  }

  private struct Location {
    var file: String
    var line: Int?
  }

  /// Where a result about the kernel as a whole goes: a service such as
  /// GitHub code scanning refuses a whole log for one result without a
  /// location, and every kernel tree has its top-level Makefile.
  private static let treeWide = Location(file: "Makefile", line: nil)

  struct Log: Encodable {
    var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    var version = "2.1.0"
    var runs: [Run]
    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
  }

  struct Run: Encodable {
    var tool: Tool
    var originalUriBaseIds: [String: BaseID]
    var results: [Result]
    var properties: RunProperties
  }

  struct RunProperties: Encodable {
    var verdict: String
    /// Results beyond the 5,000 kept, least severe first to go.
    var omittedResults: Int
    var base: String
    var head: String
  }

  struct BaseID: Encodable { var description: Message }
  struct Tool: Encodable { var driver: Driver }

  struct Driver: Encodable {
    var name: String
    var version: String
    var rules: [RuleDescriptor]
  }

  struct RuleDescriptor: Encodable {
    var id: String
    var name: String
    var shortDescription: Message
    var fullDescription: Message
    var help: Message
    var defaultConfiguration: Configuration
  }

  struct Configuration: Encodable { var level: String }
  struct Message: Encodable { var text: String }

  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int
    var level: String
    var message: Message
    var locations: [PhysicalLocationHolder]?
    var partialFingerprints: [String: String]
    var suppressions: [Suppression]?
    var properties: [String: String]
  }

  struct PhysicalLocationHolder: Encodable { var physicalLocation: PhysicalLocation }

  struct PhysicalLocation: Encodable {
    var artifactLocation: ArtifactLocation
    var region: Region
  }

  struct ArtifactLocation: Encodable {
    var uri: String
    var uriBaseId: String
  }

  struct Region: Encodable { var startLine: Int }

  struct Suppression: Encodable {
    var kind: String
    var justification: String
  }
}
