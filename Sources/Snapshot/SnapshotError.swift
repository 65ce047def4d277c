/// A snapshot file that cannot be read: damaged, truncated, not a snapshot,
/// or written by a newer capdiff.
public struct SnapshotError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case notASnapshot
    case newerFormat
    case damaged
    case io
  }

  public var kind: Kind
  public var file: String
  public var message: String

  public init(_ kind: Kind, file: String, _ message: String) {
    self.kind = kind
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): error: \(message)" }
}
