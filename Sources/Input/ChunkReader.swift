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

  /// The next chunk, or nil when the input is exhausted.
  public func next() throws -> Chunk? {
    while true {
      if atEnd {
        guard !carry.isEmpty else { return nil }
        defer { carry = [] }
        return makeChunk(carry, isLast: true)
      }
      var buffer = carry
      let previous = buffer.count
      buffer.reserveCapacity(previous + chunkSize)
      var failure: (any Error)?
      buffer.append(contentsOf: repeatElement(0, count: chunkSize))
      var filled = previous
      buffer.withUnsafeMutableBytes { bytes in
        while filled < bytes.count {
          do {
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
            if n == 0 {
              atEnd = true
              break
            }
            filled += n
          } catch {
            failure = error
            break
          }
        }
      }
      if let failure { throw failure }
      buffer.removeSubrange(filled...)
      if atEnd {
        carry = []
        guard !buffer.isEmpty else { return nil }
        return makeChunk(buffer, isLast: true)
      }
      guard let cut = boundary(buffer.span), cut > 0 else {
        carry = buffer  // one record larger than a chunk: read on
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
