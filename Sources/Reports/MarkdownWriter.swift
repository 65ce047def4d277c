import Drift

/// The Markdown summary (DESIGN §8.5): verdict, counts, the top findings and
/// links to the other reports; short enough for a merge-request comment.
public enum MarkdownWriter {
  public static let topFindings = 10

  /// `linked`: the other reports written beside it, which it links to.
  public static func render(_ input: ReportInput, linked: Set<ReportFormat>) -> [UInt8] {
    let document = input.document
    let counts = document.counts
    var out = "## capdiff: \(document.verdict == "fail" ? "❌ FAIL" : "✅ PASS") — \(cell(input.title))\n\n"
    if let workload = document.head.workload {
      out += "Workload \(cell(workload)), base \(document.base.runs) run\(document.base.runs == 1 ? "" : "s"), head \(document.head.runs); "
      out += "scheme \(cell(document.scheme ?? "-")), granularity \(cell(document.granularity ?? "-")).\n\n"
    }
    for warning in document.warnings { out += "> ⚠ \(cell(warning))\n\n" }
    out += "| new-access | escalation | removed-access | growth | forbidden-access | kR^X | suppressed |\n|---:|---:|---:|---:|---:|---:|---:|\n"
    out += "| \(counts["new-access"] ?? 0) | \(counts["escalation"] ?? 0) | \(counts["removed-access"] ?? 0) | \(counts["growth"] ?? 0) | \(counts["forbidden-access"] ?? 0) | \(counts["krx"] ?? 0) | \(counts["suppressed"] ?? 0) |\n\n"
    let shown = document.findings.filter { !$0.suppressed }.prefix(topFindings)
    if !shown.isEmpty {
      out += "| severity | kind | where | finding |\n|---|---|---|---|\n"
      for finding in shown {
        let place = finding.isKRX ? finding.item ?? finding.check ?? finding.kind : "\(finding.subject ?? "?") → \(finding.object ?? "?")"
        out += "| \(finding.severity.rawValue)\(finding.failsGate ? " (gate)" : "") | `\(finding.kind)` | \(cell(place)) | \(cell(finding.message)) |\n"
      }
      let rest = document.findings.filter { !$0.suppressed }.count - shown.count
      if rest > 0 { out += "\n…and \(rest) more in the reports.\n" }
      out += "\n"
    }
    if !document.krx.isEmpty {
      let count = { (status: CheckOutcome.Status) in document.krx.filter { $0.status == status }.count }
      out += "kR^X: \(count(.held)) held, \(count(.regressed)) regressed, \(count(.unmet)) unmet in base and head, \(count(.skipped)) skipped.\n\n"
    }
    let links: [(ReportFormat, String)] = [
      (.html, "[HTML](index.html)"), (.sarif, "[SARIF](results.sarif)"), (.junit, "[JUnit](junit.xml)"),
      (.json, "[findings.json](findings.json)"), (.graph, "[graph](privilege-graph.svg)"),
    ]
    let present = links.filter { linked.contains($0.0) }.map(\.1)
    if !present.isEmpty { out += "Reports: \(present.joined(separator: " · "))\n" }
    return Array(out.utf8)
  }

  /// A table cell: one line, no pipes or HTML, at most 200 characters.
  /// A `>` alone opens no tag and is kept as written, so that edges read
  /// `A -> B` in the plain text of meeting notes.
  static func cell(_ text: String) -> String {
    var result = ""
    for character in SafeText.truncated(SafeText.clean(text), 200) {
      switch character {
      case "|": result += "\\|"
      case "<": result += "&lt;"
      case "&": result += "&amp;"
      case "\\", "`", "*", "_", "[", "]": result += "\\\(character)"
      case "\n", "\r", "\t": result += " "
      default: result.append(character)
      }
    }
    return result
  }
}
