/// Eight hex digits (either case) as a number, eight at a time in one
/// 64-bit word; nil if any byte is not a hex digit.
@inlinable @inline(__always)
public func hexWord(_ bytes: Span<UInt8>, at offset: Int) -> UInt32? {
  // Big-endian, so the first digit lands in the top byte.
  let word = bytes.bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self).bigEndian
  let high: UInt64 = 0x8080_8080_8080_8080
  // With every byte below 0x80, adding a constant under 0x80 to each byte
  // cannot carry into the next: bit 7 of each sum answers "byte >= 0x80 - c".
  guard word & high == 0 else { return nil }
  let isDigit = (word &+ 0x5050_5050_5050_5050) & ~(word &+ 0x4646_4646_4646_4646) & high  // 0x30...0x39
  let folded = word | 0x2020_2020_2020_2020
  let isLetter = (folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x1919_1919_1919_1919) & high  // a...f, A...F
  guard isDigit | isLetter == high else { return nil }
  // Letters have bit 6 set: their low nibble plus 9 is their value.
  let letters = (word & 0x4040_4040_4040_4040) >> 6
  var value = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ letters &* 9
  value = (value | value >> 4) & 0x00FF_00FF_00FF_00FF
  value = (value | value >> 8) & 0x0000_FFFF_0000_FFFF
  value = (value | value >> 16) & 0x0000_0000_FFFF_FFFF
  return UInt32(truncatingIfNeeded: value)
}
