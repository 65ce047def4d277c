import Testing

@testable import Input

/// `firstControl` passes printable ASCII a word at a time; these check it
/// against a reading byte by byte, for every byte in every place of a word.
@Suite struct LineTextTests {
  func controlByByte(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
    for i in start..<end {
      let byte = bytes[i]
      if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { return i }
      if byte == 0xC2, i + 1 < end, (0x80...0x9F).contains(bytes[i + 1]) { return i }
    }
    return nil
  }

  @Test func everyByteInEveryPlaceIsFoundAsByteByByte() {
    let line = Array("ffffffff81000000 T ext4_fill_super".utf8)
    for place in line.indices {
      for byte in 0...255 {
        var bytes = line
        bytes[place] = UInt8(byte)
        for start in [0, 3] where start <= place {
          #expect(
            firstControl(bytes.span, start, bytes.count) == controlByByte(bytes, start, bytes.count),
            "byte \(byte) at \(place) from \(start)")
        }
      }
    }
  }

  @Test func utf8C1IsFoundAcrossAWordBoundary() {
    for place in 0..<17 {
      // U+009B, the one-byte CSI, as UTF-8: C2 9B.
      var bytes = Array("abcdefghijklmnopqrstuvwx".utf8)
      bytes[place] = 0xC2
      bytes[place + 1] = 0x9B
      #expect(firstControl(bytes.span, 0, bytes.count) == place)
      // U+00A9 is printable.
      bytes[place + 1] = 0xA9
      #expect(firstControl(bytes.span, 0, bytes.count) == nil)
    }
  }

  @Test func controlsAreEscapedAndTheRestKept() {
    #expect(escapingControls("plain ünïcode\tname") == "plain ünïcode\tname")
    #expect(escapingControls("a\u{1b}[2Jb\u{7f}c\u{9b}d") == "a\\x1b[2Jb\\x7fc\\xc2\\x9bd")
  }

  @Test func onlyTheRangeAskedIsRead() {
    let bytes = Array("name\u{1b}[31m trailing".utf8)
    #expect(firstControl(bytes.span, 0, 4) == nil)
    #expect(firstControl(bytes.span, 0, bytes.count) == 4)
    #expect(firstControl(bytes.span, 5, bytes.count) == nil)
  }
}
