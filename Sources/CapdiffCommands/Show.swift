import ArgumentParser
import Foundation
import Snapshot

/// How `show` prints.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text
  case json
}

extension Capdiff {
  /// `capdiff show`: what a snapshot holds.
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Summarise a snapshot: totals, busiest subjects and object sites, pseudo-sites, unresolved addresses.",
      discussion: """
        Example:
          capdiff show ltp.capmap
          capdiff show --format json ltp.capmap | jq .totals
        """)

    @Argument(help: "A snapshot file written by 'capdiff record'.")
    var snapshot: String

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "How many subjects and object sites to list.")
    var top: Int = 10

    func validate() throws {
      guard top >= 0 else { throw ValidationError("--top must not be negative.") }
    }

    func run() throws {
      let summary = SnapshotSummary(try SnapshotFile.read(snapshot), top: top)
      switch format {
      case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Terminal.output(String(decoding: try encoder.encode(summary), as: UTF8.self))
      case .text:
        Terminal.output(SummaryText.render(summary, path: snapshot))
      }
    }
  }
}

/// The human form of a snapshot summary.
enum SummaryText {
  static func render(_ s: SnapshotSummary, path: String) -> String {
    var out = "Snapshot \(path)\n"
    out += "  workload       \(s.workload) (\(s.runs) run\(s.runs == 1 ? "" : "s"))\n"
    out += "  symbols        \(s.symbolSource) \(s.symbolFile)\n"
    if !s.hasFileInformation {
      out +=
        "                 (no source files: \(s.symbolSource) carries names only; record with a vmlinux for files and lines)\n"
    }
    out += "  recorded by    capdiff \(s.toolVersion)\n\n"
    out += "Inputs\n"
    for input in s.inputs {
      var line = "  run \(input.run)  \(input.file)  \(input.format)"
      if input.compression != "none" { line += ", \(input.compression)" }
      line += ", \(input.lines) lines, \(input.objects) objects, \(input.accesses) accesses"
      if input.skippedLines > 0 { line += ", \(input.skippedLines) skipped" }
      if let cut = input.cutLine { line += ", line \(cut) cut short" }
      out += line + "\n"
    }
    let t = s.totals
    out += "\nTotals\n"
    out += "  \(t.subjects) subjects, \(t.sites) object sites, \(t.edges) edges\n"
    out += "  \(t.reads) reads, \(t.writes) writes, \(t.objects) objects touched\n"
    out +=
      "  unresolved: \(s.unresolved.subjects) subject address\(s.unresolved.subjects == 1 ? "" : "es") (\(percent(s.unresolved.accessShare)) of accesses), \(s.unresolved.sites) allocation site\(s.unresolved.sites == 1 ? "" : "s")\n"
    if !s.pseudoSites.isEmpty {
      out += "\nPseudo-sites (no owner)\n"
      for p in s.pseudoSites {
        out += "  \(p.site.padded(28)) \(p.edges) edges, \(p.reads) reads, \(p.writes) writes\n"
      }
    }
    out += "\nTop subjects (by accesses)\n"
    for subject in s.topSubjects {
      var name = subject.function
      if let module = subject.module { name += " [\(module)]" }
      let file = subject.file ?? "file unknown"
      out += "  \(name.padded(36)) \(file.padded(34)) \(subject.reads) R \(subject.writes) W, \(subject.sites) sites\n"
    }
    out += "\nTop object sites (by accesses)\n"
    for site in s.topSites {
      out += "  \(site.site.padded(50)) \(site.reads) R \(site.writes) W, \(site.subjects) subjects\n"
    }
    return out
  }

  static func percent(_ share: Double) -> String {
    String(format: "%.1f%%", share * 100)
  }
}

extension String {
  func padded(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
