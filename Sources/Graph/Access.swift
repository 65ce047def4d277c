/// The rights an edge carries.
public enum Access: String, Sendable, Codable {
  case read
  case write
  case readWrite = "read-write"

  /// An edge seen with no count at all is still an access: the kmap listed
  /// it, and reading is the least it can have done.
  public init(reads: UInt64, writes: UInt64) {
    self = writes == 0 ? .read : (reads == 0 ? .write : .readWrite)
  }

  /// Whether `self` includes writing.
  public var writes: Bool { self != .read }
}
