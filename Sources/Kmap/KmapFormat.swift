/// The layouts Memorizer has written its kmaps in (DESIGN §4.1).
public enum KmapFormat: String, Sendable, Codable, CaseIterable {
  /// One file, object lines each followed by indented access lines (5.15+).
  case current
  /// Memorizer for 4.10 (LinuxKit): 8-field object lines, pid second on access lines.
  case legacy
  /// The `allocations` half of a split kmap.
  case allocations
  /// The `accesses` half of a split kmap, joined to allocations on the index.
  case accesses
}

/// The columns of a split `accesses` file, which its header names.
public struct AccessColumns: Sendable, Equatable {
  /// Whether the kernel was built with MEMORIZER_TRACKPIDS (a `pid` column).
  public var hasPID: Bool

  public init(hasPID: Bool) { self.hasPID = hasPID }
}
