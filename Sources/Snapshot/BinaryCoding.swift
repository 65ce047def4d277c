/// Little-endian integers and LEB128 varints, the building blocks of the
/// snapshot format.
struct BinaryWriter {
  var bytes: [UInt8] = []

  mutating func fixed32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
  }

  mutating func fixed64(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
  }

  mutating func varint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  mutating func varint(_ value: Int) { varint(UInt64(value)) }

  mutating func bytes(_ data: some Collection<UInt8>) {
    varint(data.count)
    bytes.append(contentsOf: data)
  }
}

/// Reads what `BinaryWriter` wrote; every read is bounds-checked and a short
/// or malformed buffer throws `Truncated`.
struct BinaryReader: ~Copyable {
  struct Truncated: Error {}

  let bytes: [UInt8]
  var position: Int

  init(_ bytes: [UInt8], position: Int = 0) {
    self.bytes = bytes
    self.position = position
  }

  var atEnd: Bool { position == bytes.count }

  mutating func fixed32() throws(Truncated) -> UInt32 {
    guard position + 4 <= bytes.count else { throw Truncated() }
    var value: UInt32 = 0
    for k in 0..<4 { value |= UInt32(bytes[position + k]) << (8 * k) }
    position += 4
    return value
  }

  mutating func fixed64() throws(Truncated) -> UInt64 {
    guard position + 8 <= bytes.count else { throw Truncated() }
    var value: UInt64 = 0
    for k in 0..<8 { value |= UInt64(bytes[position + k]) << (8 * k) }
    position += 8
    return value
  }

  mutating func varint() throws(Truncated) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < bytes.count, shift < 64 else { throw Truncated() }
      let byte = bytes[position]
      position += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return value }
      shift += 7
    }
  }

  /// A varint that must fit a count or an index below `limit`.
  mutating func int(below limit: Int = Int.max) throws(Truncated) -> Int {
    let value = try varint()
    guard value < UInt64(limit) else { throw Truncated() }
    return Int(value)
  }

  mutating func byteArray() throws(Truncated) -> ArraySlice<UInt8> {
    // The length is read before what remains is measured: its own bytes are not there to take.
    let count = try int()
    guard count <= bytes.count - position else { throw Truncated() }
    defer { position += count }
    return bytes[position..<(position + count)]
  }
}
