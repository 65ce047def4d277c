/// A problem with an input file that stops the command: bad data, a missing
/// file, an unreadable stream.
///
/// The description has the shape editors and CI parsers read:
/// `path:line:column: error: message`.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What went wrong, for code that needs to react to it.
  public enum Kind: Sendable, Equatable {
    case malformedLine
    case unsupportedFormat
    case refusedInput
    case io
  }

  public var kind: Kind
  /// The file as the user named it (`<stdin>` for standard input).
  public var file: String
  /// 1-based line number, or 0 when the problem is not tied to a line.
  public var line: Int
  /// 1-based column, or 0 when not known.
  public var column: Int
  /// What was expected and what was found.
  public var message: String

  public init(_ kind: Kind, file: String, line: Int = 0, column: Int = 0, _ message: String) {
    self.kind = kind
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    "\(Diagnostic.location(file: file, line: line, column: column)): error: \(message)"
  }
}
