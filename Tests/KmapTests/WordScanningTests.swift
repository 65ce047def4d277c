import Input
import Testing

@testable import Kmap

/// Access lines and numbers are read a word at a time; these check the word
/// readers against a byte-at-a-time reading, and the parser's results
/// whichever way a line is read.
@Suite struct WordScanningTests {
  func bytes(_ text: [UInt8]) -> [UInt8] { text + Array(repeating: UInt8(ascii: ","), count: 8) }

  func hexByByte(_ digits: [UInt8]) -> UInt32? {
    var value: UInt32 = 0
    for byte in digits {
      guard let digit = hexDigit(byte) else { return nil }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  @Test func eightHexDigitsAgreeWithByteByByteForEveryByteInEveryPlace() {
    for place in 0..<8 {
      for byte in 0...255 {
        var digits = Array("0123abcd".utf8)
        digits[place] = UInt8(byte)
        let text = bytes(digits)
        #expect(hexWord(text.span, at: 0) == hexByByte(digits), "byte \(byte) at \(place)")
      }
    }
    let upper = bytes(Array("DEADBEEF".utf8))
    #expect(hexWord(upper.span, at: 0) == 0xdead_beef)
  }

  @Test func shortDecimalsAgreeWithByteByByte() {
    for length in 0...8 {
      let digits = Array("98765432".utf8.prefix(length))
      let text = bytes(digits)
      let expected: (UInt64, Int)? =
        length == 0 || length == 8 ? nil : (UInt64(String(decoding: digits, as: UTF8.self))!, length)
      let found = shortDecimal(text.span, at: 0)
      #expect(found?.0 == expected?.0 && found?.1 == expected?.1, "\(length) digits")
    }
    // A byte past the number that is not ASCII leaves the word to the byte-by-byte reader.
    #expect(shortDecimal(([UInt8]("12,".utf8) + [0xC3, 0xA9, 0, 0, 0]).span, at: 0) == nil)
    #expect(shortDecimal(Array("0000042,".utf8).span, at: 0)! == (42, 7))
  }

  let object = "ffffffff81480010,733,ffff888005c20000,2048,103,0,0,KMEM_CACHE,sshd,TCP,\n"

  @Test func accessLinesOfEveryShapeReadTheSame() {
    let (sink, report) = parse(
      object + """
          FFFFFFFF81480C10,3,8,733\r
        \tffffffff81480c10,0,1,-1
          ffffffff81480c10,12345678901234567,1,9
          0x1,1,1,1
          ffffffff81480c1,2,2,2
          ffffffff81480c10,0000007,08,0012

        """, .current)
    #expect(report.error == nil)
    #expect(report.accesses == 6)
    #expect(
      Array(sink.events.dropFirst()) == [
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 3, reads: 8, pid: 733)),
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 0, reads: 1, pid: -1)),
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 12_345_678_901_234_567, reads: 1, pid: 9)),
        .access(KmapAccess(address: 0x1, writes: 1, reads: 1, pid: 1)),
        .access(KmapAccess(address: 0xffff_ffff_8148_0c1, writes: 2, reads: 2, pid: 2)),
        .access(KmapAccess(address: 0xffff_ffff_8148_0c10, writes: 7, reads: 8, pid: 12)),
      ])
  }

  @Test func malformedAccessLinesGetTheGeneralMessages() {
    let cases: [(String, String)] = [
      ("  ffffffff81480c10,3,8,733,9", "expected an access line 'access_ip,writes,reads,pid', found 5 fields"),
      ("  ffffffff81480c1g,3,8,733", "access_ip: expected a hex address, found 'ffffffff81480c1g'"),
      ("  ffffffff81480c10,3,x,733", "reads: expected a decimal count, found 'x'"),
      ("  ffffffff81480c10,3,8,", "pid: expected a decimal pid, found ''"),
      ("  ffffffff81480c10,99999999999999999999,8,1", "writes: expected a decimal count, found '99999999999999999999', which 64 bits cannot hold"),
    ]
    for (line, message) in cases {
      let (_, report) = parse(object + line + "\n", .current)
      #expect(report.error?.line == 2, "\(line)")
      #expect(report.error?.message.hasSuffix(message) == true, "\(line): \(report.error?.message ?? "no error")")
    }
  }

  @Test func aLastAccessLineWithoutNewlineIsCutWhicheverReaderSeesIt() {
    let (sink, report) = parse(object + "  ffffffff81480c10,3,8,733\n  ffffffff81480c10,3,8,7", .current)
    #expect(report.accesses == 1)
    #expect(sink.events.count == 2)
    #expect(report.cutLine?.line == 3)
  }
}
