import ArgumentParser
import Components
import Foundation
import Git
import Graph
import Policy
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
        With --repo (or --scheme), also the component privilege graph: each \
        subject component, the component owning the objects it touched, the rights, \
        and how many functions and object sites stand behind it; cross-component \
        edges first.

        Examples:
          capdiff show ltp.capmap
          capdiff show --repo ~/src/linux v6.12 --workload ltp
          capdiff show --format json ltp.capmap | jq .totals
          capdiff show ltp.capmap --repo ~/src/linux --rev v6.12
          capdiff show ltp.capmap --scheme dirs:2
        """)

    @Argument(help: "A snapshot file, or a revision whose snapshot is in the store.")
    var snapshot: String

    @OptionGroup(title: "Store") var store: StoreOptions

    @Option(help: "Workload, when the revision has snapshots of several.")
    var workload: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "How many subjects and object sites to list.")
    var top: Int = 10

    @Option(help: "Kernel repository, for the component view (MAINTAINERS at --rev).")
    var repo: String?

    @Option(help: "The commit whose tree and MAINTAINERS attribute components (default: the snapshot's own commit, else HEAD).")
    var rev: String?

    @Option(help: "Component scheme: maintainers or dirs:N (dirs:N needs no repository).")
    var scheme: SchemeArgument?

    @Option(help: "Policy file (capdiff.yml) with component rules and shared allocators.")
    var policy: String?

    func validate() throws {
      guard top >= 0 else { throw ValidationError("--top must not be negative.") }
    }

    func run() throws {
      let loaded = try SnapshotLocator.load(snapshot, repository: repo ?? ".", store: store, workload: workload)
      let summary = SnapshotSummary(loaded, top: top)
      let graph = try componentGraph(loaded)
      switch format {
      case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = ShowJSON(summary: summary, componentGraph: graph)
        Terminal.output(String(decoding: try encoder.encode(output), as: UTF8.self))
      case .text:
        var text = SummaryText.render(summary, path: snapshot)
        if let graph { text += "\n" + GraphText.render(graph) }
        Terminal.output(text)
      }
    }

    private func componentGraph(_ snapshot: Snapshot) throws -> ComponentGraphJSON? {
      guard repo != nil || scheme != nil || policy != nil else { return nil }
      let settings = try policy.map(PolicyLoader.load) ?? Policy()
      let chosen = scheme?.scheme ?? settings.scheme ?? .maintainers
      var tree: KernelTree?
      var commit: String?
      if chosen.needsRepository || repo != nil {
        let repository = try Repository(opening: repo ?? ".")
        // A snapshot is read with its own kernel's MAINTAINERS unless told otherwise.
        let oid = try rev.map(repository.resolve) ?? snapshot.metadata.commit.flatMap { OID(hex: $0.oid) } ?? repository.resolve("HEAD")
        commit = try repository.describe(oid)
        tree = try KernelTree.load(from: repository, at: oid, requireMaintainers: chosen.needsRepository)
        tree?.problems.forEach(Terminal.diagnostic)
      }
      let map = ComponentMap(
        scheme: chosen, maintainers: tree?.maintainers, rules: settings.componentRules,
        sharedAllocators: settings.sharedAllocators)
      let graph = PrivilegeGraph(snapshot, map: map, tree: tree?.paths)
      return ComponentGraphJSON(scheme: chosen.description, commit: commit, edges: graph.edges)
    }
  }
}

/// The component view `show` adds to its JSON.
struct ComponentGraphJSON: Encodable {
  var scheme: String
  /// `describe` of the commit whose tree attributed the components.
  var commit: String?
  var edges: [PrivilegeGraph.Edge]
}

/// `show --format json`: the summary's fields, plus `componentGraph` when asked for.
struct ShowJSON: Encodable {
  var summary: SnapshotSummary
  var componentGraph: ComponentGraphJSON?

  enum Keys: String, CodingKey { case componentGraph }

  func encode(to encoder: any Encoder) throws {
    try summary.encode(to: encoder)
    if let componentGraph {
      var container = encoder.container(keyedBy: Keys.self)
      try container.encode(componentGraph, forKey: .componentGraph)
    }
  }
}

/// The component privilege graph as a table.
enum GraphText {
  static func render(_ graph: ComponentGraphJSON) -> String {
    let at = graph.commit.map { " at \($0)" } ?? ""
    var out = "Component privilege graph (\(graph.scheme)\(at)); cross-component edges first\n"
    let header = ["SUBJECT COMPONENT", "OWNER COMPONENT", "RIGHTS", "READS", "WRITES", "FUNCTIONS", "SITES"]
    var rows = [header]
    for edge in graph.edges {
      rows.append([
        edge.subject, edge.owner + boundary(edge), edge.access.rawValue, "\(edge.reads)",
        "\(edge.writes)", "\(edge.functions)", "\(edge.sites)",
      ])
    }
    let widths = header.indices.map { column in min(48, rows.map { $0[column].count }.max() ?? 0) }
    for row in rows {
      // The last column is left unpadded: no row ends in spaces.
      out += "  " + row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padded(widths[$0]) }.joined(separator: "  ") + "\n"
    }
    return out
  }

  /// Why an edge crosses no boundary, when it crosses none.
  private static func boundary(_ edge: PrivilegeGraph.Edge) -> String {
    switch PseudoComponent.boundary(subject: edge.subject, owner: edge.owner) {
    case .crossed: ""
    case .sameComponent: "  (same)"
    case .pseudoComponent: "  (pseudo-component)"
    }
  }
}

/// The human form of a snapshot summary.
enum SummaryText {
  static func render(_ s: SnapshotSummary, path: String) -> String {
    var out = "Snapshot \(path)\n"
    if let commit = s.commit {
      out += "  commit         \(commit.describe) (\(commit.oid))\(commit.kernelVersion.map { ", Linux \($0)" } ?? "")\n"
      out += "                 \(commit.subject)\n"
    }
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
      if let digest = input.digest { line += "\n         \(digest)" }
      out += line + "\n"
    }
    let t = s.totals
    out += "\nTotals\n"
    out += "  \(plural(t.subjects, "subject")), \(plural(t.sites, "object site")), \(plural(t.edges, "edge"))\n"
    let objects = s.inputs.reduce(0) { $0 + $1.objects }
    out +=
      "  \(plural(t.reads, "read")), \(plural(t.writes, "write")); \(plural(objects, "object")) in the kmaps (\(plural(t.objects, "object-edge pair")))\n"
    out +=
      "  unresolved: \(plural(s.unresolved.subjects, "subject address", "subject addresses")) (\(percent(s.unresolved.accessShare)) of accesses), \(plural(s.unresolved.sites, "object site"))\n"
    if !s.pseudoSites.isEmpty {
      out += "\nPseudo-sites (no owner)\n"
      for p in s.pseudoSites {
        out += "  \(p.site.padded(28)) \(plural(p.edges, "edge")), \(p.reads) reads, \(p.writes) writes\n"
      }
    }
    out += "\nTop subjects (by accesses)\n"
    for subject in s.topSubjects {
      var name = subject.function
      if let module = subject.module { name += " [\(module)]" }
      let file = subject.file ?? "file unknown"
      out += "  \(name.padded(36)) \(file.padded(34)) \(subject.reads) R \(subject.writes) W, \(plural(subject.sites, "site"))\n"
    }
    out += "\nTop object sites (by accesses)\n"
    for site in s.topSites {
      out += "  \(site.site.padded(50)) \(site.reads) R \(site.writes) W, \(plural(site.subjects, "subject"))\n"
    }
    return out
  }

  static func plural(_ count: some BinaryInteger, _ noun: String, _ nouns: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : nouns ?? noun + "s")"
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
