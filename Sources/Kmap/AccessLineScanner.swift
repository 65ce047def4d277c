/// Reads the common access line of the current format, `  access_ip,writes,reads,pid`
/// with a 16-digit address, in one pass that also finds the line's end.
///
/// Nine lines in ten of a kmap are such lines; anything else about a line
/// (`0x`, a short address, `from:`, a stray field, an error) makes `scan`
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
    guard position > start, position + 16 < count,
      bytes[unchecked: position + 16] == UInt8(ascii: ","),
      let high = hexWord(bytes, at: position), let low = hexWord(bytes, at: position + 8)
    else { return nil }
    let address = UInt64(high) << 32 | UInt64(low)
    position += 17
    guard let writes = decimal(bytes, &position, then: UInt8(ascii: ",")),
      let reads = decimal(bytes, &position, then: UInt8(ascii: ","))
    else { return nil }
    let negative = position < count && bytes[unchecked: position] == UInt8(ascii: "-")
    if negative { position += 1 }
    guard let pid = decimal(bytes, &position, then: UInt8(ascii: "\n")) else { return nil }
    // `decimal` stepped over the newline; a CRLF line leaves the CR before it.
    return (
      KmapAccess(address: address, writes: writes, reads: reads, pid: negative ? -Int64(pid) : Int64(pid)),
      position
    )
  }

  /// 1 to 18 decimal digits (no overflow possible) followed by `delimiter`
  /// (a newline may have a carriage return before it); leaves `position`
  /// past the delimiter.
  @inline(__always)
  private static func decimal(_ bytes: Span<UInt8>, _ position: inout Int, then delimiter: UInt8) -> UInt64? {
    let count = bytes.count
    let start = position
    var value: UInt64 = 0
    if position + 8 <= count, let (short, length) = shortDecimal(bytes, at: position) {
      // Counts and pids are short: most fields end within one word.
      value = short
      position += length
    } else {
      while position < count {
        let digit = bytes[unchecked: position] &- UInt8(ascii: "0")
        guard digit < 10 else { break }
        value = value &* 10 &+ UInt64(digit)
        position += 1
      }
    }
    guard position > start, position - start <= 18, position < count else { return nil }
    var next = bytes[unchecked: position]
    if next == UInt8(ascii: "\r"), delimiter == UInt8(ascii: "\n"), position + 1 < count {
      position += 1
      next = bytes[unchecked: position]
    }
    guard next == delimiter else { return nil }
    position += 1
    return value
  }
}
