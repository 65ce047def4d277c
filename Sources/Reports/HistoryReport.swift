import Foundation
import Mustache
import Snapshot

/// Privilege drift across a range of commits (DESIGN §1, the release
/// review): the cross-component edges of each stored snapshot along the
/// first-parent path, and where each edge of the end state came in.
public struct HistoryReport: Sendable, Encodable {
  public struct Commit: Sendable, Encodable, Equatable {
    public var oid: String
    public var describe: String
    public var subject: String

    public init(oid: String, describe: String, subject: String) {
      self.oid = oid
      self.describe = describe
      self.subject = subject
    }
  }

  /// One stored snapshot on the path, oldest first.
  public struct Point: Sendable, Encodable {
    public var commit: Commit
    /// First-parent commits from the start of the range.
    public var position: Int
    public var crossComponentEdges: Int
    /// Cross-component edges per subject component.
    public var bySubject: [String: Int]
    /// Edges (`SUBJECT -> OWNER`) new or gone since the previous snapshot.
    public var added: [String]
    public var removed: [String]

    public init(commit: Commit, position: Int, crossComponentEdges: Int, bySubject: [String: Int], added: [String], removed: [String]) {
      self.commit = commit
      self.position = position
      self.crossComponentEdges = crossComponentEdges
      self.bySubject = bySubject
      self.added = added
      self.removed = removed
    }
  }

  /// An edge of the end state that the start state lacks.
  public struct Introduction: Sendable, Encodable {
    public var edge: String
    public var access: String
    public var lastWithout: Commit
    public var firstWith: Commit
    /// Commits in (lastWithout, firstWith]: the range to bisect.
    public var commitsBetween: Int
    public var bisect: String

    public init(edge: String, access: String, lastWithout: Commit, firstWith: Commit, commitsBetween: Int) {
      self.edge = edge
      self.access = access
      self.lastWithout = lastWithout
      self.firstWith = firstWith
      self.commitsBetween = commitsBetween
      bisect = "git bisect start \(firstWith.oid) \(lastWithout.oid)"
    }
  }

  public var schemaVersion = 1
  public var range: String
  public var workload: String
  public var scheme: String
  public var points: [Point]
  public var introductions: [Introduction]

  public init(range: String, workload: String, scheme: String, points: [Point], introductions: [Introduction]) {
    self.range = range
    self.workload = workload
    self.scheme = scheme
    self.points = points
    self.introductions = introductions
  }

  /// Writes history.json, history.md and index.html into `folder`.
  @discardableResult
  public func write(to folder: String) throws -> [String] {
    try AtomicFile.makeFolder(folder)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let files: [(String, [UInt8])] = [
      ("history.json", Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]), ("history.md", Array(markdown.utf8)),
      ("index.html", Array(try html().utf8)),
    ]
    try AtomicFile.write(files.map { ("\(folder)/\($0.0)", $0.1) })
    return files.map { "\(folder)/\($0.0)" }
  }

  var markdown: String {
    var out = "## capdiff history \(MarkdownWriter.cell(range)) (\(MarkdownWriter.cell(workload)))\n\n"
    out += "| commit | subject | cross-component edges | added | removed |\n|---|---|---:|---:|---:|\n"
    for point in points {
      out += "| \(MarkdownWriter.cell(point.commit.describe)) | \(MarkdownWriter.cell(point.commit.subject)) | \(point.crossComponentEdges) | \(point.added.count) | \(point.removed.count) |\n"
    }
    if !introductions.isEmpty {
      out += "\n| new or escalated edge | access | came in between | commits | bisect |\n|---|---|---|---:|---|\n"
      for i in introductions {
        out += "| \(MarkdownWriter.cell(i.edge)) | \(i.access) | \(MarkdownWriter.cell(i.lastWithout.describe)) … \(MarkdownWriter.cell(i.firstWith.describe)) | \(i.commitsBetween) | `\(i.bisect)` |\n"
      }
    }
    return out
  }

  func html() throws -> String {
    let clean = SafeText.clean
    let context: [String: Any] = [
      "range": clean(range), "workload": clean(workload), "scheme": clean(scheme), "chart": trendChart(),
      "points": points.map { p -> [String: Any] in
        [
          "describe": clean(p.commit.describe), "subject": clean(p.commit.subject), "oid": p.commit.oid,
          "edges": p.crossComponentEdges, "added": p.added.map(clean).joined(separator: "; "),
          "removed": p.removed.map(clean).joined(separator: "; "),
        ]
      },
      "hasIntroductions": !introductions.isEmpty,
      "introductions": introductions.map { i -> [String: Any] in
        [
          "edge": clean(i.edge), "access": i.access, "without": clean(i.lastWithout.describe), "with": clean(i.firstWith.describe),
          "commits": i.commitsBetween, "bisect": i.bisect,
        ]
      },
    ]
    return try MustacheTemplate(string: HistoryTemplate.page).render(context)
  }

  /// Cross-component edges over the commits: the total and the five subject
  /// components with most edges at the end.
  func trendChart() -> String {
    guard points.count >= 2 else { return "" }
    let (width, height, left, bottom) = (760.0, 260.0, 40.0, 30.0)
    let top = points.last!.bySubject.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(5).map(\.key)
    let series = [("all cross-component edges", points.map { Double($0.crossComponentEdges) })]
      + top.map { name in (name, points.map { Double($0.bySubject[name] ?? 0) }) }
    let maxValue = max(1, series.flatMap(\.1).max() ?? 1)
    let colours = ["#1f2328", "#d62728", "#0969da", "#1a7f37", "#bc4c00", "#8250df"]
    func x(_ index: Int) -> Double { left + (width - left - 160) * Double(index) / Double(points.count - 1) }
    func y(_ value: Double) -> Double { height - bottom - (height - bottom - 10) * value / maxValue }
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"cross-component edges over the commits\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">"
    svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 160)\" y2=\"\(y(0))\" stroke=\"#8a99a8\"/><text x=\"4\" y=\"\(y(maxValue) + 4)\">\(Int(maxValue))</text><text x=\"4\" y=\"\(y(0))\">0</text>"
    for (index, point) in points.enumerated() {
      svg += "<text x=\"\(x(index))\" y=\"\(height - 12)\" text-anchor=\"middle\">\(KRXChart.escape(SafeText.truncated(point.commit.describe, 14)))</text>"
    }
    for (number, (name, values)) in series.enumerated() {
      let colour = colours[number % colours.count]
      let path = values.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
      svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(number == 0 ? 2.5 : 1.5)\"/>"
      svg += "<text x=\"\(width - 150)\" y=\"\(16 + number * 14)\" fill=\"\(colour)\">\(KRXChart.escape(SafeText.truncated(name, 28)))</text>"
    }
    return svg + "</svg>"
  }
}

enum HistoryTemplate {
  static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>capdiff history {{range}}</title>
<style>
body { font: 14px/1.45 system-ui, Helvetica, Arial, sans-serif; color: #1f2328; margin: 0 auto; max-width: 1100px; padding: 1.5em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #d0d7de; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d0d7de; padding: .25em .5em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; } td.n { text-align: right; } code { font-size: .9em; } .muted { color: #57606a; }
@page { size: A4; margin: 14mm; } @media print { body { max-width: none; padding: 0; font-size: 10pt; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Privilege drift over {{range}}</h1>
<p class="muted">Workload {{workload}}; components by {{scheme}} (one scheme for every commit).</p>
<h2>Trend</h2>
{{{chart}}}
<h2>Snapshots along the first-parent path</h2>
<table>
<tr><th>commit</th><th>subject</th><th>cross-component edges</th><th>added</th><th>removed</th></tr>
{{#points}}<tr><td><code>{{describe}}</code></td><td>{{subject}}</td><td class="n">{{edges}}</td><td>{{added}}</td><td>{{removed}}</td></tr>
{{/points}}
</table>
{{#hasIntroductions}}
<h2>Where each new or escalated edge came in</h2>
<table>
<tr><th>edge</th><th>access</th><th>last without</th><th>first with</th><th>commits between</th><th>bisect</th></tr>
{{#introductions}}<tr><td>{{edge}}</td><td>{{access}}</td><td><code>{{without}}</code></td><td><code>{{with}}</code></td><td class="n">{{commits}}</td><td><code>{{bisect}}</code></td></tr>
{{/introductions}}
</table>
{{/hasIntroductions}}
</body>
</html>
"""#
}
