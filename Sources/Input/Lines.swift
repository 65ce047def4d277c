/// Splitting bytes into lines without making a `String` per line.
public enum Lines {
  /// Calls `body` with the bounds of each line of `bytes` (newline and a
  /// trailing carriage return excluded) and whether it ended in a newline.
  /// `body` returns false to stop.
  @inline(__always)
  public static func forEach(
    in bytes: Span<UInt8>, _ body: (_ start: Int, _ end: Int, _ terminated: Bool) throws -> Bool
  ) rethrows {
    var start = 0
    let count = bytes.count
    while start < count {
      var end = start
      // `end < count` guards each read: the span's own check is redundant here.
      while end < count, bytes[unchecked: end] != UInt8(ascii: "\n") { end += 1 }
      let terminated = end < count
      var lineEnd = end
      if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
      guard try body(start, lineEnd, terminated) else { return }
      start = end + 1
    }
  }
}
