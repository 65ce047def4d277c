#if canImport(Glibc)
  import Glibc
#endif

/// Splitting bytes into lines without making a `String` per line.
public enum Lines {
  /// The line of `bytes` that begins at `start`: where its text ends (before
  /// the newline and a carriage return ahead of it), where the next line
  /// begins, and whether a newline ended it.
  @inline(__always)
  public static func line(in bytes: Span<UInt8>, from start: Int) -> (end: Int, next: Int, terminated: Bool) {
    let count = bytes.count
    // memchr scans a vector at a time; this search was a tenth of ingest byte by byte.
    let newline = bytes.withUnsafeBufferPointer { buffer -> Int in
      guard start < count, let base = buffer.baseAddress,
        let found = memchr(base + start, Int32(UInt8(ascii: "\n")), count - start)
      else { return count }
      return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }
    var end = newline
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return (end, newline + 1, newline < count)
  }

  /// Calls `body` with the bounds of each line of `bytes` (newline and a
  /// trailing carriage return excluded) and whether it ended in a newline.
  /// `body` returns false to stop.
  @inline(__always)
  public static func forEach(
    in bytes: Span<UInt8>, _ body: (_ start: Int, _ end: Int, _ terminated: Bool) throws -> Bool
  ) rethrows {
    var start = 0
    while start < bytes.count {
      let line = line(in: bytes, from: start)
      guard try body(start, line.end, line.terminated) else { return }
      start = line.next
    }
  }
}
