extension String {
  /// -1, 0 or 1 as `self` sorts before, with or after `other` by UTF-8
  /// bytes, the order every table of a snapshot is kept in. Unlike `<` and
  /// `==`, it does not depend on Unicode normalisation (two spellings of
  /// `é` are two names here), and `orderPrefix` agrees with it.
  func compareBytes(_ other: String) -> Int {
    var (a, b) = (self, other)
    return a.withUTF8 { a in
      b.withUTF8 { b in
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
      }
    }
  }

  func bytesPrecede(_ other: String) -> Bool { compareBytes(other) < 0 }

  /// The first 32 bytes, big-endian and zero-padded, as two integers.
  /// Where two prefixes differ, they order their strings as `bytesPrecede`
  /// does; equal ones decide nothing. 32 bytes hold most kernel names whole,
  /// `unknown+0xffffffffc0a81234` among them, whose first 16 are all alike.
  var orderPrefix: OrderPrefix {
    var text = self
    return text.withUTF8 { bytes in
      var prefix = OrderPrefix(high: 0, low: 0)
      for i in 0..<min(16, bytes.count) { prefix.high |= UInt128(bytes[i]) << (120 - 8 * i) }
      for i in 16..<max(16, min(32, bytes.count)) { prefix.low |= UInt128(bytes[i]) << (248 - 8 * i) }
      return prefix
    }
  }
}

/// A 256-bit integer made of a name's first bytes: see `String.orderPrefix`.
struct OrderPrefix: Comparable {
  var high: UInt128
  var low: UInt128

  static func < (a: OrderPrefix, b: OrderPrefix) -> Bool { (a.high, a.low) < (b.high, b.low) }

  /// The prefix moved one byte down, `byte` taking the top: a site's kind
  /// before its name.
  func after(_ byte: UInt8) -> OrderPrefix {
    OrderPrefix(high: UInt128(byte) << 120 | high >> 8, low: (high & 0xFF) << 120 | low >> 8)
  }
}

/// A value whose order is decided, most of the time, by one integer: the
/// builder sorts every subject and site of a kmap, and comparing integers
/// first spares it most of the string comparisons.
protocol PrefixOrdered: Comparable {
  /// Where two prefixes differ, the lower one's value is the lower value.
  var orderPrefix: OrderPrefix { get }
}

extension Array {
  /// The positions of the elements in the order `precedes` gives, which
  /// `prefix` must agree with wherever two prefixes differ: most comparisons
  /// are then between integers, and no string is retained to compare it.
  func sortedPositions(prefix: (Element) -> OrderPrefix, by precedes: (Element, Element) -> Bool) -> [Int] {
    let prefixes = map(prefix)
    return indices.sorted {
      prefixes[$0] != prefixes[$1] ? prefixes[$0] < prefixes[$1] : precedes(self[$0], self[$1])
    }
  }
}
