import Drift

/// The terminal summary of a findings document (diff or krx): verdict and
/// counts, drift findings grouped by subject component, most severe first,
/// then the kR^X checks.
enum FindingsText {
  static func render(_ document: FindingsDocument, command: String, verbose: Bool, reportPath: String?) -> String {
    let colour = Terminal.outputIsTerminal
    func paint(_ text: String, _ severity: Severity) -> String {
      guard colour else { return text }
      let code = severity == .high ? "31" : (severity == .medium ? "33" : (severity == .low ? "36" : "2"))
      return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
    let base = document.name(of: document.base, fallback: "base")
    let head = document.name(of: document.head, fallback: "head")
    let counts = document.counts
    var out = "capdiff \(command) \(base) -> \(head)"
    if let scheme = document.scheme {
      out += " (\(document.head.workload ?? "?"); \(scheme), \(document.granularity ?? "component"))"
    }
    out += ": \(document.verdict.uppercased())\n"
    if document.scheme != nil {
      out += "  new-access \(counts["new-access"] ?? 0), escalation \(counts["escalation"] ?? 0), removed-access \(counts["removed-access"] ?? 0), growth \(counts["growth"] ?? 0), forbidden-access \(counts["forbidden-access"] ?? 0), krx \(counts["krx"] ?? 0), suppressed \(counts["suppressed"] ?? 0)\n"
      out += "  runs: base \(document.base.runs), head \(document.head.runs); base runs disagree on \(document.baseDisagreement["unstableEdges"] ?? 0) of \(document.baseDisagreement["crossComponentEdges"] ?? 0) cross-component edges\n"
    } else {
      out += "  krx regressions \(counts["krx"] ?? 0)\n"
    }
    for warning in document.warnings { out += "  \(paint("warning:", .medium)) \(warning)\n" }
    let drift = document.findings.filter { !$0.isKRX }
    let bySubject = Dictionary(grouping: drift) { $0.subject ?? "" }
    let order = bySubject.keys.sorted {
      let a = bySubject[$0]!.map(\.severity).max()!
      let b = bySubject[$1]!.map(\.severity).max()!
      return a != b ? a > b : $0 < $1
    }
    for subject in order {
      out += "\n\(subject)\n"
      for finding in bySubject[subject]! {
        var line = "  \(paint(finding.severity.rawValue.padded(6), finding.severity)) \(finding.kind.padded(14)) \(finding.message)"
        line += " [seen in \(finding.runsSeen) runs]"
        if finding.failsGate { line += " FAILS GATE" }
        if let suppression = finding.suppression { line += " (suppressed: \(suppression.reason))" }
        out += line + "\n"
        if verbose {
          for e in finding.evidence {
            let place = [e.file, e.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
            out += "      \(e.function)\(place.isEmpty ? "" : " (\(place))") -> \(e.site)\(e.slab.map { " [\($0)]" } ?? ""): \(e.reads) R \(e.writes) W\n"
          }
        }
      }
    }
    if !document.krx.isEmpty {
      out += "\nkR^X checks\n"
      func line(_ outcome: CheckOutcome) -> String {
        let status: String
        switch outcome.status {
        case .regressed: status = paint("REGRESSED", .high)
        case .skipped: status = paint("skipped", .info)
        case .held: status = "held"
        case .unmet: status = paint("unmet", .low)
        }
        var text = "  \(outcome.check.padded(24)) \(status.padded(colour ? 18 : 9)) \(outcome.message)"
        if outcome.failsGate { text += " FAILS GATE" }
        text += "\n"
        if outcome.status != .skipped, verbose || outcome.status == .regressed {
          if let value = outcome.baseValue { text += "      base: \(value)\n" }
          if let value = outcome.headValue { text += "      head: \(value)\n" }
          if let threshold = outcome.threshold { text += "      threshold: \(threshold)\n" }
          if let basis = outcome.basis { text += "      from: \(basis)\n" }
        }
        return text
      }
      // A family of items (one per Kconfig option) with nothing regressed or
      // skipped is one line, naming what is unmet, unless --verbose asks for each.
      var families: [String] = []
      for outcome in document.krx where !families.contains(outcome.check) { families.append(outcome.check) }
      for family in families {
        let outcomes = document.krx.filter { $0.check == family }
        let quiet = !verbose && outcomes.count > 1 && outcomes.allSatisfy { $0.status == .held || $0.status == .unmet }
        if quiet {
          let unmet = outcomes.filter { $0.status == .unmet }.compactMap(\.item)
          let summary =
            unmet.isEmpty
            ? "all \(outcomes.count) items held"
            : "\(outcomes.count - unmet.count) of \(outcomes.count) items held; unmet in base and head: \(unmet.joined(separator: ", "))"
          out += "  \(family.padded(24)) \("held".padded(9)) \(summary) (--verbose lists them)\n"
        } else {
          for outcome in outcomes where verbose || outcomes.count == 1 || outcome.status != .held { out += line(outcome) }
          // The held ones left out are counted, so that the list adds up.
          let held = outcomes.filter { $0.status == .held }.count
          if !verbose, outcomes.count > 1, held > 0 {
            out += "  \(family.padded(24)) \("held".padded(9)) \(held) more item\(held == 1 ? "" : "s") held (--verbose lists them)\n"
          }
        }
      }
    }
    for suppression in document.suppressions where suppression.status != .used {
      out += "\nsuppression \(suppression.subject) -> \(suppression.object) (\(suppression.reason)) is \(suppression.status.rawValue)"
      if suppression.status == .expired { out += " since \(suppression.expires ?? "?"): it no longer suppresses (\(suppression.matched) finding\(suppression.matched == 1 ? "" : "s") would match)" }
      out += "\n"
    }
    if !document.maintainersChanges.isEmpty {
      out += "\nMAINTAINERS changes (information, not findings):\n"
      // Between releases they run to hundreds of lines: counted, unless asked for.
      if verbose || document.maintainersChanges.count <= 10 {
        out += document.maintainersChanges.map { "  \($0)\n" }.joined()
      } else {
        var kinds: [String] = []
        var counts: [String: Int] = [:]
        for change in document.maintainersChanges {
          let kind = String(change.prefix { $0 != ":" })
          if counts[kind] == nil { kinds.append(kind) }
          counts[kind, default: 0] += 1
        }
        out += "  " + kinds.map { "\(counts[$0]!) \($0)" }.joined(separator: ", ") + " (--verbose and the reports list them)\n"
      }
    }
    if let reportPath { out += "\nreport: \(reportPath)\n" }
    return out
  }
}
