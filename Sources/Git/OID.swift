internal import CGit2

/// A git object id: 40 hex digits.
public struct OID: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The 20 bytes of the SHA-1.
  public let bytes: [UInt8]

  init(_ oid: git_oid) {
    bytes = withUnsafeBytes(of: oid.id) { Array($0) }
  }

  /// Parses 40 hex digits; nil for anything else.
  public init?(hex: String) {
    let digits = Array(hex.utf8)
    guard digits.count == 40 else { return nil }
    var result: [UInt8] = []
    result.reserveCapacity(20)
    for i in stride(from: 0, to: 40, by: 2) {
      guard let high = hexValue(digits[i]), let low = hexValue(digits[i + 1]) else { return nil }
      result.append(high << 4 | low)
    }
    bytes = result
  }

  public var hex: String {
    var text = ""
    text.reserveCapacity(40)
    for byte in bytes {
      text += String(byte >> 4, radix: 16)
      text += String(byte & 0xF, radix: 16)
    }
    return text
  }

  public var description: String { hex }

  /// The first `length` hex digits.
  public func abbreviated(_ length: Int = 12) -> String { String(hex.prefix(length)) }

  public static func < (a: OID, b: OID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

  var raw: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { target in
      for (i, byte) in bytes.enumerated() { target[i] = byte }
    }
    return oid
  }
}

private func hexValue(_ c: UInt8) -> UInt8? {
  switch c {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
  default: nil
  }
}
