/// What a parser says about a line's bytes: whether it is blank, and an
/// excerpt safe to print on a terminal.

/// Whether `bytes[start..<end]` holds white space alone (a line end's `\r` included).
public func isBlank(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Bool {
  for i in start..<end {
    let byte = bytes[i]
    guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") else { return false }
  }
  return true
}

/// Whether a NUL comes before the first newline (within the first 4 KiB):
/// a binary file. A NUL further on is a bad byte of a text file, which its
/// parser names by line.
public func firstLineHoldsNUL(_ bytes: Span<UInt8>) -> Bool {
  var i = 0
  while i < min(bytes.count, 4096), bytes[i] != UInt8(ascii: "\n") {
    if bytes[i] == 0 { return true }
    i += 1
  }
  return false
}

/// A short excerpt of `bytes[start..<end]` for an error message, quoted,
/// with every byte outside printable ASCII as `\xNN`: an input's escape
/// sequences and NULs never reach the terminal.
public func excerpt(_ bytes: Span<UInt8>, _ start: Int, _ end: Int, limit: Int = 48) -> String {
  var text = ""
  var i = start
  while i < end, i < start + limit {
    appendEscaped(bytes[i], to: &text)
    i += 1
  }
  if end - start > limit { text += "…" }
  return "'\(text)'"
}

/// Where `bytes[start..<end]` holds a control character a terminal would
/// act on: C0 (a tab aside), DEL, or C1 in UTF-8 (U+0080–U+009F, such as
/// the one-byte CSI U+009B). Names read from inputs are printed.
public func firstControl(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Int? {
  let ones: UInt64 = 0x0101_0101_0101_0101
  let high: UInt64 = 0x8080_8080_8080_8080
  var i = start
  while i < end {
    // Printable ASCII passes eight bytes at a time: no byte below 0x20
    // (the borrow test is exact for that), none above 0x7E. A word that
    // fails, a tab or UTF-8 among them, is looked at byte by byte.
    if i + 8 <= end {
      let word = bytes.bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: i, as: UInt64.self)
      if ((word &- ones &* 0x20) & ~word | word | (word &+ ones)) & high == 0 {
        i += 8
        continue
      }
    }
    let stop = min(i + 8, end)
    while i < stop {
      let byte = bytes[i]
      if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { return i }
      if byte == 0xC2, i + 1 < end, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F { return i }
      i += 1
    }
  }
  return nil
}

extension StringProtocol {
  /// The lines of a text ended by LF or CRLF, empty ones kept: CRLF is one
  /// `Character`, which splitting on "\n" never finds, so a file from a
  /// Windows checkout would read as one line.
  public func textLines() -> [SubSequence] {
    split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
  }
}

/// A byte as printable ASCII, or as `\xNN`.
private func appendEscaped(_ byte: UInt8, to text: inout String) {
  if byte >= 0x20, byte < 0x7F {
    text.unicodeScalars.append(Unicode.Scalar(byte))
  } else {
    let hex = String(byte, radix: 16)
    text += "\\x" + (hex.count < 2 ? "0" : "") + hex
  }
}

/// `text` with the bytes of each terminal control (`firstControl`'s) as
/// `\xNN`; the rest, UTF-8 included, as it is. For names read from inputs
/// that capdiff prints, where refusing the whole input would be too much.
public func escapingControls(_ text: String) -> String {
  let bytes = Array(text.utf8)
  guard firstControl(bytes.span, 0, bytes.count) != nil else { return text }
  var result = ""
  var start = 0
  while let control = firstControl(bytes.span, start, bytes.count) {
    result += String(decoding: bytes[start..<control], as: UTF8.self)
    // A C1 control in UTF-8 is two bytes, C2 and the control.
    let width = bytes[control] == 0xC2 ? 2 : 1
    for byte in bytes[control..<control + width] { appendEscaped(byte, to: &result) }
    start = control + width
  }
  return result + String(decoding: bytes[start...], as: UTF8.self)
}
