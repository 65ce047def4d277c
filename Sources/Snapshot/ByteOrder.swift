extension String {
  /// Whether `self` sorts before `other` by UTF-8 bytes, the order every
  /// table of a snapshot is kept in. Unlike `<`, it does not depend on
  /// Unicode normalisation, and `orderPrefix` agrees with it.
  func bytesPrecede(_ other: String) -> Bool {
    var (a, b) = (self, other)
    return a.withUTF8 { a in b.withUTF8 { b in a.lexicographicallyPrecedes(b) } }
  }

  /// The first 16 bytes, big-endian and zero-padded. Where two prefixes
  /// differ, they order their strings as `bytesPrecede` does; equal ones
  /// decide nothing.
  var orderPrefix: UInt128 {
    var text = self
    return text.withUTF8 { bytes in
      var prefix: UInt128 = 0
      for i in 0..<min(16, bytes.count) { prefix |= UInt128(bytes[i]) << (120 - 8 * i) }
      return prefix
    }
  }
}

/// A value whose order is decided, most of the time, by one integer: the
/// builder sorts every subject and site of a kmap, and comparing integers
/// first spares it most of the string comparisons.
protocol PrefixOrdered: Comparable {
  /// Where two prefixes differ, the lower one's value is the lower value.
  var orderPrefix: UInt128 { get }
}

extension Array {
  /// The positions of the elements in the order `precedes` gives, which
  /// `prefix` must agree with wherever two prefixes differ: most comparisons
  /// are then between integers, and no string is retained to compare it.
  func sortedPositions(prefix: (Element) -> UInt128, by precedes: (Element, Element) -> Bool) -> [Int] {
    let prefixes = map(prefix)
    return indices.sorted {
      prefixes[$0] != prefixes[$1] ? prefixes[$0] < prefixes[$1] : precedes(self[$0], self[$1])
    }
  }
}
