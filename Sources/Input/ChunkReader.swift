/// A run of whole records cut from an input, numbered in input order so that
/// line numbers can be put back together after chunks are parsed in parallel.
public struct Chunk: Sendable {
  public var bytes: [UInt8]
  /// 0-based position of this chunk in the input.
  public var index: Int
  /// True for the last chunk: its last line may lack a newline (a cut copy).
  public var isLast: Bool

  public init(bytes: [UInt8], index: Int, isLast: Bool) {
    self.bytes = bytes
    self.index = index
    self.isLast = isLast
  }
}

/// Reads an input in large chunks cut where `boundary` says a record may
/// start, carrying the partial tail over to the next chunk.
public final class ChunkReader {
  public let file: InputFile
  private let chunkSize: Int
  private let boundary: (Span<UInt8>) -> Int?
  private var carry: [UInt8] = []
  private var atEnd = false
  private var nextIndex = 0
  /// Buffers of parsed chunks, handed back for the next ones: a fresh
  /// 8 MiB buffer per chunk cost the kernel a page fault and a zeroed page
  /// for every 4 KiB of input.
  private var spares: [[UInt8]] = []

  /// `boundary` returns the length of the longest prefix that ends on a record
  /// boundary, or nil when the bytes hold no boundary yet.
  public init(
    file: InputFile, chunkSize: Int = 8 << 20,
    boundary: @escaping (Span<UInt8>) -> Int? = ChunkReader.lastNewline
  ) {
    self.file = file
    self.chunkSize = chunkSize
    self.boundary = boundary
  }

  /// Takes back the bytes of a chunk that has been parsed, to fill again.
  public func recycle(_ bytes: [UInt8]) {
    if spares.count < 4 { spares.append(bytes) }
  }

  /// The next chunk, or nil when the input is exhausted.
  public func next() throws -> Chunk? {
    if atEnd {
      guard !carry.isEmpty else { return nil }
      defer { carry = [] }
      return makeChunk(carry, isLast: true)
    }
    // The oldest spare: its last parser has long let go of it, so it is
    // refilled in place rather than copied, and reads land in it directly.
    // It keeps its length from its last chunk: only a first fill, or a
    // longer one, zeroes memory to read into.
    var buffer = spares.isEmpty ? [] : spares.removeFirst()
    var filled = carry.count
    if buffer.count < filled { buffer.append(contentsOf: repeatElement(0, count: filled - buffer.count)) }
    buffer.replaceSubrange(0..<filled, with: carry)
    var wanted = filled + chunkSize
    while true {
      while filled < wanted {
        // Doubling, so that a small input never zeroes a whole chunk.
        let target = min(wanted, filled + max(1 << 16, filled))
        if buffer.count < target { buffer.append(contentsOf: repeatElement(0, count: target - buffer.count)) }
        let n = try buffer.withUnsafeMutableBytes {
          try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled..<target]))
        }
        if n == 0 {
          atEnd = true
          break
        }
        filled += n
      }
      buffer.removeSubrange(filled...)
      if atEnd {
        carry = []
        return buffer.isEmpty ? nil : makeChunk(buffer, isLast: true)
      }
      guard let cut = boundary(buffer.span), cut > 0 else {
        wanted += chunkSize  // one record larger than a chunk: read on
        continue
      }
      carry = Array(buffer[cut...])
      buffer.removeSubrange(cut...)
      return makeChunk(buffer, isLast: false)
    }
  }

  private func makeChunk(_ bytes: [UInt8], isLast: Bool) -> Chunk {
    defer { nextIndex += 1 }
    return Chunk(bytes: bytes, index: nextIndex, isLast: isLast)
  }

  /// A boundary after the last newline: any line starts a record.
  public static func lastNewline(_ bytes: Span<UInt8>) -> Int? {
    var i = bytes.count - 1
    while i >= 0 {
      if bytes[i] == UInt8(ascii: "\n") { return i + 1 }
      i -= 1
    }
    return nil
  }
}
