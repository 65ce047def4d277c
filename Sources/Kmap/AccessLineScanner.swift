/// Reads the common access line of the current format, `  access_ip,writes,reads,pid`,
/// in one pass that also finds the line's end.
///
/// Nine lines in ten of a kmap are such lines. Their fields are read by the
/// general parser's `FieldScanner`; only the pid, which ends at the newline
/// rather than a comma, is read here. Anything else about a line (`from:`,
/// a stray field, a pid of more than seven digits, an error) makes `scan`
/// return nil and the general parser reads the line, with its messages.
enum AccessLineScanner {
  /// The access and where the next line begins.
  @inline(__always)
  static func scan(_ bytes: Span<UInt8>, from start: Int) -> (KmapAccess, next: Int)? {
    let count = bytes.count
    var position = start
    while position < count, bytes[unchecked: position] == UInt8(ascii: " ") || bytes[unchecked: position] == UInt8(ascii: "\t") {
      position += 1
    }
    guard position > start else { return nil }
    var fields = FieldScanner(start: position, end: count)
    guard let address = fields.scanHex(bytes), fields.skipComma(bytes),
      let writes = fields.scanDecimal(bytes), fields.skipComma(bytes),
      let reads = fields.scanDecimal(bytes), fields.skipComma(bytes)
    else { return nil }
    position = fields.position
    let negative = position < count && bytes[unchecked: position] == UInt8(ascii: "-")
    if negative { position += 1 }
    // PID_MAX_LIMIT is 4,194,304: a pid fits one word's seven digits.
    guard position + 8 <= count, let (pid, length) = shortDecimal(bytes, at: position) else { return nil }
    position += length
    if bytes[unchecked: position] == UInt8(ascii: "\r"), position + 1 < count { position += 1 }
    guard bytes[unchecked: position] == UInt8(ascii: "\n") else { return nil }
    return (
      KmapAccess(address: address, writes: writes, reads: reads, pid: negative ? -Int64(pid) : Int64(pid)),
      position + 1
    )
  }
}
