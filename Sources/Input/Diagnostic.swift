/// A recoverable problem found while reading input: reported, counted, and
/// the work goes on.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable, Equatable {
    case warning
    case note
  }

  public var severity: Severity
  public var file: String
  public var line: Int
  public var column: Int
  public var message: String

  public init(_ severity: Severity, file: String, line: Int = 0, column: Int = 0, _ message: String) {
    self.severity = severity
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    "\(Self.location(file: file, line: line, column: column)): \(severity.rawValue): \(message)"
  }

  /// `file:line:column`, leaving out the parts that are not known.
  static func location(file: String, line: Int, column: Int) -> String {
    guard line > 0 else { return file }
    guard column > 0 else { return "\(file):\(line)" }
    return "\(file):\(line):\(column)"
  }
}
