import CapdiffTestSupport
import Testing

@testable import Input

@Suite struct InputFileTests {
  let text = (0..<20000).map { "line \($0),with,fields" }.joined(separator: "\n") + "\n"

  func readAll(_ path: String, chunkSize: Int = 4096) throws -> (String, Int, Compression) {
    let file = try InputFile(path: path)
    let reader = ChunkReader(file: file, chunkSize: chunkSize)
    var all: [UInt8] = []
    var chunks = 0
    while let chunk = try reader.next() {
      #expect(chunk.index == chunks)
      if !chunk.isLast { #expect(chunk.bytes.last == UInt8(ascii: "\n")) }
      all += chunk.bytes
      chunks += 1
    }
    return (String(decoding: all, as: UTF8.self), chunks, file.compression)
  }

  @Test(arguments: ["none", "gzip", "zstd"])
  func readsPlainAndCompressed(_ tool: String) throws {
    let directory = try TemporaryDirectory()
    let bytes = Array(text.utf8)
    let path = try directory.write("input", tool == "none" ? bytes : try compress(bytes, with: tool))
    let (read, chunks, compression) = try readAll(path)
    #expect(read == text)
    #expect(chunks > 10)
    #expect(compression.rawValue == tool)
  }

  @Test func readsConcatenatedGzipMembers() throws {
    let directory = try TemporaryDirectory()
    let first = try compress(Array("a\nb\n".utf8), with: "gzip")
    let second = try compress(Array("c\n".utf8), with: "gzip")
    let (read, _, _) = try readAll(try directory.write("two.gz", first + second))
    #expect(read == "a\nb\nc\n")
  }

  @Test func paddingAfterAGzipStreamIsReadAsGzipReadsItAndOtherDataIsNamed() throws {
    let directory = try TemporaryDirectory()
    /// Reading `bytes` fails with `message`.
    func refused(_ name: String, _ bytes: [UInt8], _ message: String) throws {
      let path = try directory.write(name, bytes)
      #expect(throws: InputError(.io, file: path, message)) { _ = try readAll(path) }
    }
    func trailing(_ stream: String, _ unit: String, from start: Int) -> String {
      "holds data after the end of its \(stream) stream, from byte \(start) on, that is no \(unit) (another file appended?)"
    }
    let whole = try compress(Array("a\nb\n".utf8), with: "gzip")
    // A tape's or dd's zero padding: gzip -t passes it.
    let (read, _, _) = try readAll(try directory.write("padded.gz", whole + [UInt8](repeating: 0, count: 512)))
    #expect(read == "a\nb\n")
    try refused("appended.gz", whole + Array("hello\n".utf8), trailing("gzip", "gzip member", from: whole.count))
    // Nor is a member read after the padding, as gzip reads none.
    try refused(
      "after-padding.gz", whole + [0, 0, 0, 0] + whole,
      "holds data after the zero padding that ends its gzip stream, from byte \(whole.count + 4) on (bytes \(whole.count)–\(whole.count + 3) are zeros; another file appended?)")
    // One byte is too few to tell a member from, and is no truncation either.
    try refused("newline.gz", whole + [10], trailing("gzip", "gzip member", from: whole.count))
    let frame = try compress(Array("a\nb\n".utf8), with: "zstd")
    // pzstd begins with a skippable frame: magic 0x184D2A50, a little-endian size, that many bytes.
    let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]
    let (parallel, _, compression) = try readAll(try directory.write("pzstd.zst", skippable + frame))
    #expect(parallel == "a\nb\n")
    #expect(compression == .zstd)
    try refused("appended.zst", frame + Array("hello\n".utf8), trailing("zstd", "zstd frame", from: frame.count))
  }

  @Test func truncatedCompressedStreamIsAnError() throws {
    let directory = try TemporaryDirectory()
    let whole = try compress(Array(text.utf8), with: "gzip")
    let path = try directory.write("cut.gz", Array(whole.prefix(whole.count / 2)))
    #expect(
      throws: InputError(.io, file: path, "compressed stream ends early: the file is truncated or damaged")
    ) {
      _ = try readAll(path)
    }
  }

  @Test func missingFileAndDirectory() throws {
    let directory = try TemporaryDirectory()
    #expect(throws: InputError(.io, file: "\(directory.path)/nope", "cannot open: No such file or directory")) {
      _ = try InputFile(path: "\(directory.path)/nope")
    }
    #expect(throws: InputError(.io, file: directory.path, "is a directory, expected a file")) {
      _ = try InputFile(path: directory.path)
    }
  }

  @Test func linesStripCarriageReturnsAndFlagTheUnterminatedTail() {
    let bytes = Array("a\r\nbb\n\nccc".utf8)
    var lines: [String] = []
    Lines.forEach(in: bytes.span) { start, end, terminated in
      lines.append(String(decoding: bytes[start..<end], as: UTF8.self) + (terminated ? "" : "<cut>"))
      return true
    }
    #expect(lines == ["a", "bb", "", "ccc<cut>"])
  }
}
