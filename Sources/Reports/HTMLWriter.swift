import Drift
import Foundation
import Mustache

/// The HTML report (DESIGN §8.3): one self-contained file, verdict first,
/// rendered from a mustache template; a Content-Security-Policy forbids
/// every network fetch.
public enum HTMLWriter {
  /// Evidence rows shown per finding; the rest stay in findings.json, so a
  /// diff of 10,000 findings still makes a page a browser opens at once.
  public static let evidenceLimit = 25
  /// Findings in the main table, most severe first; the rest wait in a
  /// closed section, which the browser does not lay out until opened.
  public static let tableLimit = 1000

  public static func render(_ input: ReportInput, graphSVG: String?) throws -> [UInt8] {
    let template = try MustacheTemplate(string: HTMLTemplate.page)
    return Array(template.render(context(input, graphSVG: graphSVG)).utf8)
  }

  static func context(_ input: ReportInput, graphSVG: String?) -> [String: Any] {
    let document = input.document
    let counts = document.counts
    func clean(_ text: String?) -> String { SafeText.clean(text ?? "") }
    let sides: [[String: Any]] = [("base", input.base, document.base), ("head", input.head, document.head)].map {
      label, commit, side in
      [
        "label": label, "describe": clean(commit?.describe ?? side.describe ?? "-"), "subject": clean(commit?.subject),
        "date": clean(commit?.date), "oid": clean(commit?.oid ?? side.commit ?? ""), "workload": clean(side.workload ?? "-"),
        "runs": side.runs,
      ]
    }
    let findings: [[String: Any]] = document.findings.map { finding in
      let evidence = finding.evidence.prefix(evidenceLimit).map { e -> [String: Any] in
        let place = [e.file, e.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
        return [
          "function": clean(e.function), "place": clean(place), "link": input.link(path: e.file, line: e.line, of: finding).map { clean($0) as Any } ?? false,
          "site": clean(e.site), "siteFile": clean(e.siteFile), "slab": clean(e.slab), "reads": e.reads, "writes": e.writes,
        ]
      }
      var rowClass = finding.severity == .high ? "s-high-row" : ""
      if finding.failsGate { rowClass += " gate-row" }
      if finding.isKRX { rowClass += " krx-row" }
      return [
        "rowClass": rowClass, "rank": Severity.allCases.firstIndex(of: finding.severity) ?? 0,
        "severity": finding.severity.rawValue, "gate": finding.failsGate, "kind": clean(finding.kind),
        "subject": clean(finding.subject ?? (finding.isKRX ? finding.item ?? finding.check : nil)), "object": clean(finding.object),
        "access": finding.access?.rawValue ?? "", "runs": finding.isKRX ? "" : finding.runsSeen,
        "message": clean(finding.message), "suppressed": finding.suppression.map { clean($0.reason) as Any } ?? false,
        "hasEvidence": !evidence.isEmpty, "evidenceCount": finding.evidence.count, "evidence": evidence,
        "moreEvidence": finding.evidence.count > evidenceLimit ? finding.evidence.count - evidenceLimit as Any : false,
        "krxValues": finding.isKRX ? ["base": clean(finding.baseValue), "head": clean(finding.headValue)] as Any : false,
      ]
    }
    let krx: [[String: Any]] = document.krx.map { outcome in
      [
        "check": outcome.check, "item": clean(outcome.item), "status": outcome.status.rawValue,
        "statusClass": outcome.status == .regressed ? "gate" : (outcome.status == .held ? "" : "muted"),
        "base": clean(outcome.baseValue), "head": clean(outcome.headValue), "threshold": clean(outcome.threshold),
        // Mustache counts "" as true: false keeps the basis in view for checks that ran.
        "basis": clean(outcome.basis), "skipWhy": outcome.status == .skipped ? clean(outcome.message) as Any : false,
      ]
    }
    let suppressions: [[String: Any]] = document.suppressions.map { s in
      [
        "subject": clean(s.subject), "object": clean(s.object), "reason": clean(s.reason), "owner": clean(s.owner),
        "expires": clean(s.expires), "status": s.status.rawValue, "matched": s.matched,
      ]
    }
    let unsuppressed = document.findings.filter { !$0.suppressed }.count
    var summary = "\(unsuppressed) finding\(unsuppressed == 1 ? "" : "s")"
    summary += ": new-access \(counts["new-access"] ?? 0), escalation \(counts["escalation"] ?? 0), removed-access \(counts["removed-access"] ?? 0), growth \(counts["growth"] ?? 0), forbidden-access \(counts["forbidden-access"] ?? 0), kR^X \(counts["krx"] ?? 0); \(counts["suppressed"] ?? 0) suppressed; \(document.findings.filter(\.failsGate).count) fail the gate."
    let unstable = document.baseDisagreement["unstableEdges"] ?? 0
    return [
      "verdict": document.verdict, "verdictText": document.verdict.uppercased(), "title": clean(input.title),
      "summary": summary, "sides": sides, "hasCommits": document.scheme != nil || input.base != nil, "scheme": clean(document.scheme ?? "-"),
      "granularity": clean(document.granularity ?? "-"),
      "disagreement": document.scheme == nil
        ? "" : "Base runs disagree on \(unstable) of \(document.baseDisagreement["crossComponentEdges"] ?? 0) cross-component edges.",
      "hasGraph": graphSVG != nil, "graphSVG": graphSVG.map(GraphRenderer.inline) ?? "",
      // The table lists suppressed findings too; the headline counts them apart.
      "findingCount": "\(document.findings.count)"
        + (unsuppressed < document.findings.count ? ", \(document.findings.count - unsuppressed) of them suppressed" : ""),
      "findings": Array(findings.prefix(tableLimit)),
      "hasMore": findings.count > tableLimit, "moreCount": max(0, findings.count - tableLimit),
      // Beyond the main table, evidence stays in findings.json: the page
      // keeps to a size a browser parses at once.
      "moreFindings": findings.dropFirst(tableLimit).map { row in
        var row = row
        row["hasEvidence"] = false
        return row
      },
      "hasKRX": !document.krx.isEmpty, "krx": krx, "krxChart": KRXChart.svg(document.krx),
      "hasSuppressions": !suppressions.isEmpty, "suppressions": suppressions,
      "warnings": document.warnings.map(clean),
      "hasMaintainers": !document.maintainersChanges.isEmpty, "maintainersChanges": document.maintainersChanges.map(clean),
      "version": document.tool.version,
    ]
  }
}

/// Base and head side by side for the kR^X checks that measure a number
/// (slide bits, moving share, rigid-block share, text coverage, W+X pages).
enum KRXChart {
  static func svg(_ outcomes: [CheckOutcome]) -> String {
    let measured = outcomes.filter { $0.baseMeasure != nil && $0.headMeasure != nil }
    guard !measured.isEmpty else { return "" }
    let rowHeight = 34
    let width = 640
    let labelWidth = 190
    let barWidth = width - labelWidth - 90
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"kR^X measures, base and head\" width=\"\(width)\" height=\"\(measured.count * rowHeight + 24)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">"
    out += "<rect x=\"\(labelWidth)\" y=\"4\" width=\"10\" height=\"8\" fill=\"#8a99a8\"/><text x=\"\(labelWidth + 14)\" y=\"12\">base</text>"
    out += "<rect x=\"\(labelWidth + 60)\" y=\"4\" width=\"10\" height=\"8\" fill=\"#0969da\"/><text x=\"\(labelWidth + 74)\" y=\"12\">head</text>"
    for (row, outcome) in measured.enumerated() {
      let (base, head) = (outcome.baseMeasure!, outcome.headMeasure!)
      let isShare = outcome.check != "krx-base-slide" && outcome.check != "krx-wx"
      let scale = isShare ? 1.0 : max(base, head, 1)
      let y = 20 + row * rowHeight
      func text(_ value: Double) -> String {
        isShare ? String(format: "%.1f%%", value * 100) : (outcome.check == "krx-wx" ? String(format: "%.0f pages", value) : String(format: "%.2f bits", value))
      }
      // Bars of one chart point both ways: say which way is safer.
      let lowerIsBetter = outcome.check == "krx-rigid-block" || outcome.check == "krx-wx"
      out += "<text x=\"0\" y=\"\(y + 10)\">\(escape(outcome.check))</text>"
      out += "<text x=\"0\" y=\"\(y + 22)\" fill=\"#57606a\" font-size=\"9\">\(lowerIsBetter ? "lower" : "higher") is safer</text>"
      for (index, (value, colour)) in [(base, "#8a99a8"), (head, "#0969da")].enumerated() {
        let length = max(1, Int(Double(barWidth) * min(value / scale, 1)))
        let barY = y + index * 13
        out += "<rect x=\"\(labelWidth)\" y=\"\(barY)\" width=\"\(length)\" height=\"11\" fill=\"\(colour)\"/>"
        out += "<text x=\"\(labelWidth + length + 4)\" y=\"\(barY + 9)\">\(escape(text(value)))</text>"
      }
    }
    return out + "</svg>"
  }

  static func escape(_ text: String) -> String {
    SafeText.clean(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
