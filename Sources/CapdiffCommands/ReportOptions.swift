public import ArgumentParser
import Drift
import Foundation
import Git
public import Reports
import Snapshot

extension ReportFormat: ExpressibleByArgument {}

/// `--out`, `--format` and `--source-url`: where reports go and which.
struct ReportOptions: ParsableArguments {
  @Option(help: "Folder for the reports: junit.xml, index.html, results.sarif, findings.json, summary.md, privilege-graph.svg and .dot.")
  var out: String?

  @Option(
    parsing: .upToNextOption,
    help: "Reports to write into --out (default: all): \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: [ReportFormat] = []

  @Option(help: "Link evidence to source: a URL with {path}, {commit} and {line}, e.g. 'https://git.kernel.org/…/tree/{path}?id={commit}#n{line}'.")
  var sourceURL: String?

  func validate() throws {
    if !format.isEmpty, out == nil { throw ValidationError("--format chooses reports for --out; give --out DIR.") }
  }

  /// Writes the chosen reports when --out was given; returns the HTML's path if written.
  func write(_ input: () throws -> ReportInput) throws -> String? {
    guard let out else { return nil }
    let formats = format.isEmpty ? Set(ReportFormat.allCases) : Set(format)
    try ReportSet.write(try input(), to: out, formats: formats)
    return formats.contains(.html) ? "\(out)/index.html" : (formats.contains(.json) ? "\(out)/findings.json" : out)
  }

  static var timestamp: String { DateFormatter.utc("yyyy-MM-dd'T'HH:mm:ss").string(from: Date()) }

  static var hostname: String { ProcessInfo.processInfo.hostName }

  /// A snapshot's commit for the reports, with the date when the repository is at hand.
  static func commit(_ snapshot: Snapshot, repository: Repository?) -> ReportInput.Commit? {
    guard let commit = snapshot.metadata.commit else { return nil }
    var date: String?
    if let repository, let oid = OID(hex: commit.oid), let info = try? repository.commit(oid) {
      let formatter = ISO8601DateFormatter()
      formatter.timeZone = TimeZone(secondsFromGMT: info.timeZoneMinutes * 60)
      date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(info.date)))
    }
    return ReportInput.Commit(oid: commit.oid, describe: commit.describe, subject: commit.subject, date: date)
  }
}
