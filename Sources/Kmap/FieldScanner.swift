import Input

/// Reads the comma-separated fields of one kmap line straight from its bytes.
///
/// Each `scan…` starts at `position`, stops at the next comma or at `end`, and
/// leaves `position` on that delimiter; nil means the field is empty or holds
/// something other than the expected digits. `end` never exceeds the span's
/// count and every read is guarded by `position < end`, so reads skip the
/// span's own bounds check (this loop is most of ingest).
struct FieldScanner: ~Copyable {
  var position: Int
  let end: Int

  init(start: Int, end: Int) {
    self.position = start
    self.end = end
  }

  var atEnd: Bool { position >= end }

  /// Steps over a comma; false when the line ended instead.
  @inline(__always)
  mutating func skipComma(_ bytes: Span<UInt8>) -> Bool {
    guard position < end, bytes[unchecked: position] == UInt8(ascii: ",") else { return false }
    position += 1
    return true
  }

  /// A `%p` address: 1 to 16 hex digits, with or without `0x`.
  @inline(__always)
  mutating func scanHex(_ bytes: Span<UInt8>) -> UInt64? {
    if position + 1 < end, bytes[unchecked: position] == UInt8(ascii: "0"),
      bytes[unchecked: position + 1] | 0x20 == UInt8(ascii: "x")
    {
      position += 2
    }
    // Kernel addresses print as 16 digits: two words of eight at once.
    if position + 16 <= end, position + 16 == end || bytes[unchecked: position + 16] == UInt8(ascii: ","),
      let high = hexWord(bytes, at: position), let low = hexWord(bytes, at: position + 8)
    {
      position += 16
      return UInt64(high) << 32 | UInt64(low)
    }
    let start = position
    var value: UInt64 = 0
    while position < end {
      guard let digit = hexDigit(bytes[unchecked: position]) else { break }
      value = value &<< 4 | UInt64(digit)
      position += 1
    }
    let digits = position - start
    guard digits >= 1, digits <= 16, isDelimiter(bytes) else { return nil }
    return value
  }

  /// An unsigned decimal that fits 64 bits.
  @inline(__always)
  mutating func scanDecimal(_ bytes: Span<UInt8>) -> UInt64? {
    if position + 8 <= end, let (value, length) = shortDecimal(bytes, at: position) {
      position += length
      return isDelimiter(bytes) ? value : nil
    }
    let start = position
    var value: UInt64 = 0
    while position < end {
      let digit = bytes[unchecked: position] &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      let (times10, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
      guard !o1, !o2 else { return nil }
      value = sum
      position += 1
    }
    guard position > start, isDelimiter(bytes) else { return nil }
    return value
  }

  /// A decimal that may be negative (pids print as `%d`).
  @inline(__always)
  mutating func scanSigned(_ bytes: Span<UInt8>) -> Int64? {
    var negative = false
    if position < end, bytes[unchecked: position] == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    guard let magnitude = scanDecimal(bytes), magnitude <= UInt64(Int64.max) else { return nil }
    return negative ? -Int64(magnitude) : Int64(magnitude)
  }

  /// Moves to the next comma (or the end) without reading; returns where the field began.
  @inline(__always)
  mutating func skipField(_ bytes: Span<UInt8>) -> Int {
    let start = position
    while position < end, bytes[unchecked: position] != UInt8(ascii: ",") { position += 1 }
    return start
  }

  @inline(__always)
  private func isDelimiter(_ bytes: Span<UInt8>) -> Bool {
    position == end || bytes[unchecked: position] == UInt8(ascii: ",")
  }
}

/// The 1 to 7 decimal digits at `offset` and how many there are, read in
/// one 64-bit word; nil when there are none, eight or more, or a byte of
/// the word is not ASCII.
@inline(__always)
func shortDecimal(_ bytes: Span<UInt8>, at offset: Int) -> (UInt64, Int)? {
  // Little-endian: the first digit is the low byte.
  let word = bytes.bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self).littleEndian
  let high: UInt64 = 0x8080_8080_8080_8080
  guard word & high == 0 else { return nil }
  let isDigit = (word &+ 0x5050_5050_5050_5050) & ~(word &+ 0x4646_4646_4646_4646) & high
  let length = (~isDigit & high).trailingZeroBitCount / 8
  guard length > 0, length < 8 else { return nil }
  // The digits moved to the top of the word, zeros below: as eight digits
  // with leading zeros, combined in pairs, fours and eights by multiplication.
  var value = ((word & 0x0F0F_0F0F_0F0F_0F0F) << (64 - 8 * UInt64(length)))
  value = (value &* 2561) >> 8 & 0x00FF_00FF_00FF_00FF
  value = (value &* 6_553_601) >> 16 & 0x0000_FFFF_0000_FFFF
  value = (value &* 42_949_672_960_001) >> 32
  return (value, length)
}

/// The value of a hex digit; arithmetic rather than a table, so the hot loop
/// touches no global.
@inline(__always)
func hexDigit(_ byte: UInt8) -> UInt8? {
  let decimal = byte &- UInt8(ascii: "0")
  if decimal < 10 { return decimal }
  let letter = (byte | 0x20) &- UInt8(ascii: "a")
  return letter < 6 ? letter + 10 : nil
}

extension AllocType {
  /// The type in `bytes[start..<end]`: a name (`KMALLOC`) or a code (`7`, `0x7`).
  static func parse(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> AllocType? {
    let length = end - start
    guard length > 0 else { return nil }
    let first = bytes[start]
    if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
      var scanner = FieldScanner(start: start, end: end)
      guard let code = scanner.scanHex(bytes), code <= UInt64(UInt8.max) else { return nil }
      return AllocType(rawValue: UInt8(code))
    }
    for (index, name) in nameBytes.enumerated() where name.count == length {
      var same = true
      for k in 0..<length where bytes[start + k] != name[k] {
        same = false
        break
      }
      if same { return AllocType(rawValue: UInt8(index)) }
    }
    return nil
  }

  /// `(null)`: a kernel built without CONFIG_MEMORIZER_STATS has a stub
  /// for Memorizer's type names that returns NULL, which `%s` prints so.
  static func isUnprinted(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Bool {
    end - start == 6 && matches(bytes, start, "(null)")
  }

  /// Whether `bytes[start..<end]` is spelt as Memorizer spells its type
  /// names (`KMEM_CACHE_ND`), whether or not capdiff knows the name.
  static func looksLikeName(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Bool {
    guard end - start >= 2, bytes[start] >= UInt8(ascii: "A"), bytes[start] <= UInt8(ascii: "Z") else { return false }
    for i in start..<end {
      let byte = bytes[i]
      let upper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
      let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
      guard upper || digit || byte == UInt8(ascii: "_") else { return false }
    }
    return true
  }
}
