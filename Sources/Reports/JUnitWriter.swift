internal import CLibXML2
import Drift

/// JUnit XML (DESIGN §8.2), valid against Apache Ant's schema: a
/// `<testsuites>` with one suite per check family, written with libxml2's
/// xmlTextWriter.
///
/// Names read well in GitLab (which shows `classname` as the suite and drops
/// repeated test names) and Jenkins (which splits `classname` at its last
/// dot): `classname` is `capdiff.drift.<component>` or `capdiff.krx.<check>`
/// with any dot in the name replaced by a one-dot leader (U+2024), and
/// names never repeat within a suite.
public enum JUnitWriter {
  public static func render(_ input: ReportInput) -> [UInt8] {
    let buffer = xmlBufferCreate()!
    defer { xmlBufferFree(buffer) }
    let writer = xmlNewTextWriterMemory(buffer, 0)!
    xmlTextWriterSetIndent(writer, 1)
    xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
    start(writer, "testsuites")
    drift(writer, input)
    krx(writer, input)
    xmlTextWriterEndElement(writer)
    xmlTextWriterEndDocument(writer)
    xmlFreeTextWriter(writer)
    return Array(UnsafeBufferPointer(start: xmlBufferContent(buffer), count: Int(xmlBufferLength(buffer))))
  }

  private struct Case {
    enum Outcome {
      case pass
      case failure(message: String, type: String, text: String)
      case skipped(message: String)
    }
    var name: String
    var classname: String
    var outcome: Outcome
  }

  private static func drift(_ writer: xmlTextWriterPtr, _ input: ReportInput) {
    let findings = input.document.findings.filter { !$0.isKRX }
    var cases = findings.map { finding in
      let subject = finding.subject ?? "?"
      let evidence = finding.evidence.prefix(50).map { e in
        "\(e.function)\(e.file.map { " (\($0)\(e.line.map { ":\($0)" } ?? ""))" } ?? "") -> \(e.site): \(e.reads) reads, \(e.writes) writes"
      }.joined(separator: "\n")
      let outcome: Case.Outcome =
        if let suppression = finding.suppression {
          .skipped(message: "suppressed: \(suppression.reason)")
        } else if finding.failsGate {
          .failure(message: finding.message, type: finding.kind, text: "\(finding.severity.rawValue): \(finding.message)\n\(evidence)")
        } else {
          .pass
        }
      return Case(
        name: "\(subject) -> \(finding.object ?? "?"): \(RuleCatalog.phrase(finding))", classname: classname("drift", subject),
        outcome: outcome)
    }
    // A passing case per subject component no new, escalated or forbidden access names.
    let gained: Set<String> = ["new-access", "escalation", "forbidden-access"]
    let flagged = Set(findings.filter { gained.contains($0.kind) }.compactMap(\.subjectComponent))
    for component in input.subjectComponents.sorted() where !flagged.contains(component) {
      cases.append(Case(name: "\(component): no new cross-component access", classname: classname("drift", component), outcome: .pass))
    }
    suite(writer, input, name: "privilege drift", package: "capdiff.drift", id: 0, cases: cases)
  }

  private static func krx(_ writer: xmlTextWriterPtr, _ input: ReportInput) {
    let cases = input.document.krx.map { outcome in
      let name = outcome.item.map { "\(outcome.check): \($0)" } ?? outcome.check
      let result: Case.Outcome
      switch outcome.status {
      case .held: result = .pass
      // Not a pass: the protection is off on both sides, which no drift check fails.
      case .unmet: result = .skipped(message: "unmet in base and head: \(outcome.message)")
      case .skipped: result = outcome.failsGate ? .failure(message: outcome.message, type: outcome.check, text: outcome.message) : .skipped(message: outcome.message)
      case .regressed:
        let text = "base: \(outcome.baseValue ?? "?")\nhead: \(outcome.headValue ?? "?")\nthreshold: \(outcome.threshold ?? "?")"
        result =
          outcome.failsGate
          ? .failure(message: outcome.message, type: outcome.check, text: text)
          : .skipped(message: "regression not gated by the policy: \(outcome.message)")
      }
      return Case(name: name, classname: classname("krx", outcome.check), outcome: result)
    }
    suite(writer, input, name: "kR^X", package: "capdiff.krx", id: 1, cases: cases)
  }

  private static func suite(
    _ writer: xmlTextWriterPtr, _ input: ReportInput, name: String, package: String, id: Int, cases: [Case]
  ) {
    start(writer, "testsuite")
    attribute(writer, "name", name)
    attribute(writer, "package", package)
    attribute(writer, "id", "\(id)")
    attribute(writer, "timestamp", input.timestamp)
    attribute(writer, "hostname", input.hostname.isEmpty ? "localhost" : input.hostname)
    attribute(writer, "tests", "\(cases.count)")
    attribute(writer, "failures", "\(cases.filter { if case .failure = $0.outcome { true } else { false } }.count)")
    attribute(writer, "errors", "0")
    attribute(writer, "skipped", "\(cases.filter { if case .skipped = $0.outcome { true } else { false } }.count)")
    attribute(writer, "time", "0")
    start(writer, "properties")
    let document = input.document
    let properties: [(String, String?)] = [
      ("base.commit", input.base?.oid ?? document.base.commit), ("base.describe", input.base?.describe ?? document.base.describe),
      ("head.commit", input.head?.oid ?? document.head.commit), ("head.describe", input.head?.describe ?? document.head.describe),
      ("workload", document.head.workload), ("scheme", document.scheme), ("granularity", document.granularity),
      ("verdict", document.verdict),
    ]
    for (key, value) in properties {
      guard let value else { continue }
      start(writer, "property")
      attribute(writer, "name", key)
      attribute(writer, "value", value)
      xmlTextWriterEndElement(writer)
    }
    xmlTextWriterEndElement(writer)
    var used = Set<String>()
    for testCase in cases {
      // GitLab drops repeated names: number the repeats.
      var unique = SafeText.clean(testCase.name)
      var counter = 2
      while !used.insert(unique).inserted {
        unique = "\(SafeText.clean(testCase.name)) (\(counter))"
        counter += 1
      }
      start(writer, "testcase")
      attribute(writer, "name", unique)
      attribute(writer, "classname", testCase.classname)
      attribute(writer, "time", "0")
      switch testCase.outcome {
      case .pass: break
      case .failure(let message, let type, let text):
        start(writer, "failure")
        attribute(writer, "message", message)
        attribute(writer, "type", type)
        xmlTextWriterWriteString(writer, SafeText.clean(text))
        xmlTextWriterEndElement(writer)
      case .skipped(let message):
        start(writer, "skipped")
        attribute(writer, "message", message)
        xmlTextWriterEndElement(writer)
      }
      xmlTextWriterEndElement(writer)
    }
    start(writer, "system-out")
    xmlTextWriterWriteString(writer, SafeText.clean("capdiff \(input.title): \(document.verdict)"))
    xmlTextWriterEndElement(writer)
    start(writer, "system-err")
    xmlTextWriterWriteString(writer, "")
    xmlTextWriterEndElement(writer)
    xmlTextWriterEndElement(writer)
  }

  private static func classname(_ family: String, _ name: String) -> String {
    let cleaned = SafeText.clean(name).replacingOccurrences(of: ".", with: "\u{2024}")
    return "capdiff.\(family).\(cleaned.isEmpty ? "-" : cleaned)"
  }

  private static func start(_ writer: xmlTextWriterPtr, _ name: String) { xmlTextWriterStartElement(writer, name) }

  private static func attribute(_ writer: xmlTextWriterPtr, _ name: String, _ value: String) {
    xmlTextWriterWriteAttribute(writer, name, SafeText.clean(value))
  }
}
