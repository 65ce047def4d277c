internal import CLibXML2
import Foundation

/// Checks reports as their consumers would: XML against an XSD through
/// libxml2, SARIF against the JSON schema, HTML in headless Chromium.
public enum ReportChecks {
  /// The JUnit XSD (Apache Ant's, Apache 2.0) and the OASIS SARIF 2.1.0
  /// schema, kept in the repository so that any clone can run the tests.
  public static let schemas = "\(packageRoot)/Tests/Schemas"

  /// libxml2's complaints about `file` against `schema`; empty when valid.
  public static func xmlSchemaErrors(file: String, schema: String) -> [String] {
    guard let parser = xmlSchemaNewParserCtxt(schema) else { return ["cannot read \(schema)"] }
    defer { xmlSchemaFreeParserCtxt(parser) }
    guard let compiled = xmlSchemaParse(parser) else { return ["cannot parse \(schema)"] }
    defer { xmlSchemaFree(compiled) }
    guard let context = xmlSchemaNewValidCtxt(compiled) else { return ["cannot validate"] }
    defer { xmlSchemaFreeValidCtxt(context) }
    let status = xmlSchemaValidateFile(context, file, 0)
    if status == 0 { return [] }
    let error = xmlGetLastError().map { String(cString: $0.pointee.message) } ?? "error \(status)"
    return [error.trimmingCharacters(in: .whitespacesAndNewlines)]
  }

  /// Whether libxml2 parses `file` as well-formed XML.
  public static func isWellFormedXML(_ file: String) -> Bool {
    guard let document = xmlReadFile(file, nil, Int32(XML_PARSE_NONET.rawValue)) else { return false }
    xmlFreeDoc(document)
    return true
  }

  /// ci/validate-sarif.py's verdict: nil when valid, else its messages.
  public static func sarifErrors(_ file: String) throws -> String? {
    let result = try run(
      "/usr/bin/python3", ["\(packageRoot)/ci/validate-sarif.py", "\(schemas)/sarif-schema-2.1.0.json", file])
    return result.status == 0 ? nil : result.standardError
  }

  /// Loads `file` in headless Chromium: the console messages it logged and
  /// the size of a screenshot (a blank page compresses to a few KB).
  public static func chromium(_ file: String, screenshot: String) throws -> (console: [String], screenshotBytes: Int) {
    let result = try run(
      "/usr/bin/chromium",
      [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
        "--window-size=1200,1600", "--screenshot=\(screenshot)", "file://\(file)",
      ])
    let console = result.standardError.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init)
    let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
    return (console, size)
  }
}
