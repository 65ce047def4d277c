public import Drift
import Foundation
import Snapshot

/// The report files of DESIGN §8.
public enum ReportFormat: String, Sendable, CaseIterable {
  case junit, html, sarif, json, markdown, graph

  /// The files each format writes into the report folder.
  public var files: [String] {
    switch self {
    case .junit: ["junit.xml"]
    case .html: ["index.html"]
    case .sarif: ["results.sarif"]
    case .json: ["findings.json"]
    case .markdown: ["summary.md"]
    case .graph: ["privilege-graph.svg", "privilege-graph.dot"]
    }
  }
}

/// Writes a set of reports into one folder, each file atomically.
public enum ReportSet {
  /// Writes `formats` of `input` into `folder` (created if missing); returns
  /// the paths written.
  @discardableResult
  public static func write(_ input: ReportInput, to folder: String, formats: Set<ReportFormat>) throws -> [String] {
    try AtomicFile.makeFolder(folder)
    // Rendered first, then written as one: a failure leaves the old set whole.
    var files: [(path: String, bytes: [UInt8])] = []
    func write(_ name: String, _ bytes: [UInt8]) { files.append(("\(folder)/\(name)", bytes)) }
    // The graph is laid out once, for its own file and the HTML.
    let needsGraph = (formats.contains(.graph) || formats.contains(.html)) && input.document.scheme != nil
    let dot = needsGraph ? GraphRenderer.dot(input.graph) : nil
    let svg = dot.flatMap(GraphRenderer.svg(fromDOT:))
    // The summary links only to what is written beside it.
    var linked = formats.subtracting([.markdown])
    if svg == nil { linked.remove(.graph) }
    for format in ReportFormat.allCases where formats.contains(format) {
      switch format {
      case .json: write("findings.json", try findingsJSON(input.document))
      case .junit: write("junit.xml", JUnitWriter.render(input))
      case .sarif: write("results.sarif", try SARIFWriter.render(input))
      case .markdown: write("summary.md", MarkdownWriter.render(input, linked: linked))
      case .html: write("index.html", try HTMLWriter.render(input, graphSVG: svg))
      case .graph:
        guard let dot else { continue }
        write("privilege-graph.dot", Array(dot.utf8))
        if let svg { write("privilege-graph.svg", Array(svg.utf8)) }
      }
    }
    try AtomicFile.write(files)
    return files.map(\.path)
  }

  /// findings.json: sorted keys, so equal findings give equal files.
  public static func findingsJSON(_ document: FindingsDocument) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(document)) + [UInt8(ascii: "\n")]
  }
}
