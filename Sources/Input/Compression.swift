/// How an input file is compressed, told by its first bytes, never by its name.
public enum Compression: String, Sendable, Codable, Equatable {
  case none
  case gzip
  case zstd

  /// The compression whose magic number starts `prefix`.
  static func detect(_ prefix: Span<UInt8>) -> Compression {
    if prefix.count >= 2, prefix[0] == 0x1F, prefix[1] == 0x8B { return .gzip }
    if prefix.count >= 4, prefix[0] == 0x28, prefix[1] == 0xB5, prefix[2] == 0x2F,
      prefix[3] == 0xFD
    {
      return .zstd
    }
    // A skippable frame (magic 0x184D2A50 to 0x184D2A5F), which pzstd writes first.
    if prefix.count >= 4, prefix[0] & 0xF0 == 0x50, prefix[1] == 0x2A, prefix[2] == 0x4D, prefix[3] == 0x18 {
      return .zstd
    }
    return .none
  }
}
