#if canImport(Glibc)
  import Glibc
#endif
internal import CZlib
internal import CZstd

/// A file (or standard input, named `-`) read as a stream of bytes,
/// decompressed on the fly when it is gzip or zstd.
///
/// Not `Sendable`: one reader owns it; the chunks it yields are values.
public final class InputFile {
  /// The name to show in messages: the path as given, or `<stdin>`.
  public let name: String
  /// How the bytes on disk are compressed.
  public private(set) var compression: Compression

  private let descriptor: Int32
  private let ownsDescriptor: Bool
  private var decoder: Decoder
  /// Bytes read from the descriptor and not yet consumed (compressed input,
  /// or the few bytes read to detect the compression).
  private var raw: [UInt8]
  private var rawStart = 0
  private var rawEnd: Int
  private var rawAtEnd = false
  /// Of the content, decompressed: a kmap and its gzip or zstd copy are one input.
  private let hasher = InputDigest()
  private var contentAtEnd = false
  private var finishedDigest: String?

  private enum Decoder {
    case none
    case gzip(GzipDecoder)
    case zstd(ZstdDecoder)

    /// Where data began that follows a complete stream and is no member or
    /// frame of its own, as far as it was read.
    var trailingStart: Int? {
      switch self {
      case .none: nil
      case .gzip(let gzip): gzip.trailingStart
      case .zstd(let zstd): zstd.trailingStart
      }
    }
  }

  fileprivate static func trailingData(from start: Int, compression: Compression) -> String {
    "holds data after the end of its \(compression.rawValue) stream, from byte \(start) on, that is no \(compression == .gzip ? "gzip member" : "zstd frame") (another file appended?)"
  }

  /// Opens `path` (`-` for standard input) and detects its compression.
  public init(path: String) throws {
    if path == "-" {
      name = "<stdin>"
      descriptor = 0
      ownsDescriptor = false
    } else {
      name = path
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else {
        throw InputError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))")
      }
      var info = stat()
      if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
        close(fd)
        throw InputError(.io, file: path, "is a directory, expected a file")
      }
      descriptor = fd
      ownsDescriptor = true
    }
    raw = [UInt8](repeating: 0, count: 1 << 18)
    rawEnd = 0
    decoder = .none
    compression = .none
    // Fill enough to see a magic number (a pipe may deliver fewer bytes per read).
    var compressionFound = Compression.none
    do {
      while rawEnd < 4, !rawAtEnd { try fillRaw() }
      let prefix = Array(raw[0..<rawEnd])
      compressionFound = Compression.detect(prefix.span)
      switch compressionFound {
      case .none: decoder = .none
      case .gzip: decoder = .gzip(try GzipDecoder(file: name))
      case .zstd: decoder = .zstd(try ZstdDecoder(file: name))
      }
    } catch {
      if ownsDescriptor { close(descriptor) }
      throw error
    }
    compression = compressionFound
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Whether `a` and `b` name one existing file, by whatever paths or links.
  public static func isSameFile(_ a: String, _ b: String) -> Bool {
    var (first, second) = (stat(), stat())
    guard a != "-", b != "-", stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }

  /// Whether `path` names a regular file, which can be opened and read more
  /// than once. A pipe, a FIFO or `<(…)` gives its bytes to one reader only:
  /// whatever peeks at it first takes them from the real read.
  public static func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return path != "-" && stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// The whole decompressed content, for small files (configurations,
  /// command lines, page-table dumps, symbol maps kept as evidence).
  public func readAll() throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = try buffer.withUnsafeMutableBytes { try read(into: $0) }
      if n == 0 { return result }
      result.append(contentsOf: buffer[0..<n])
    }
  }

  /// Reads decompressed bytes into `buffer`; returns how many, 0 at the end.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard buffer.count > 0 else { return 0 }
    let n = try decompress(into: buffer)
    hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    if n == 0 { contentAtEnd = true }
    return n
  }

  private func decompress(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    switch decoder {
    case .none:
      if rawStart < rawEnd {
        let n = min(buffer.count, rawEnd - rawStart)
        raw.withUnsafeBytes { source in
          buffer.baseAddress!.copyMemory(from: source.baseAddress! + rawStart, byteCount: n)
        }
        rawStart += n
        return n
      }
      return try readDescriptor(into: buffer)
    case .gzip(let gzip):
      return try decode(into: buffer) { input, output throws in
        try gzip.decode(input: input, output: output)
      }
    case .zstd(let zstd):
      return try decode(into: buffer) { input, output throws in
        try zstd.decode(input: input, output: output)
      }
    }
  }

  /// Runs a decoder step until it produces output or the input ends.
  private func decode(
    into buffer: UnsafeMutableRawBufferPointer,
    _ step: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws -> (
      consumed: Int, produced: Int, finished: Bool
    )
  ) throws -> Int {
    while true {
      if rawStart == rawEnd, !rawAtEnd {
        rawStart = 0
        rawEnd = 0
        try fillRaw()
      }
      let result = try raw.withUnsafeBytes { bytes throws in
        try step(UnsafeRawBufferPointer(rebasing: bytes[rawStart..<rawEnd]), buffer)
      }
      rawStart += result.consumed
      if result.produced > 0 { return result.produced }
      if rawStart == rawEnd, rawAtEnd {
        if !result.finished {
          if let start = decoder.trailingStart {
            throw InputError(.io, file: name, Self.trailingData(from: start, compression: compression))
          }
          throw InputError(
            .io, file: name, "compressed stream ends early: the file is truncated or damaged")
        }
        return 0
      }
    }
  }

  private func fillRaw() throws {
    let n = try raw.withUnsafeMutableBytes { bytes throws in
      try readDescriptor(into: UnsafeMutableRawBufferPointer(rebasing: bytes[rawEnd...]))
    }
    if n == 0 { rawAtEnd = true }
    rawEnd += n
  }

  /// The XXH3-128 of the content (decompressed), once the whole input has
  /// been read: what `xxhsum -H2` prints for an uncompressed file, and for
  /// `zstdcat FILE | xxhsum -H2` of a compressed one.
  public var digest: String? {
    guard contentAtEnd else { return nil }
    if finishedDigest == nil { finishedDigest = hasher.finish() }
    return finishedDigest
  }

  private func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if n == 0 { rawAtEnd = true }
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw InputError(.io, file: name, "read failed: \(String(cString: strerror(errno)))")
    }
  }
}

/// zlib's inflate over gzip or zlib data, concatenated members included.
private final class GzipDecoder {
  private var stream = z_stream()
  private let file: String
  private var finished = false
  /// Compressed bytes consumed so far, to say where trailing data begins.
  private var offset = 0
  /// Where zero padding after the last member began.
  private var padding: Int?
  /// Where the member being read began, when another ended before it and
  /// this one has yielded nothing yet: it may be trailing data.
  private(set) var trailingStart: Int?

  init(file: String) throws {
    self.file = file
    guard CZlib_inflateInit2(&stream, 15 + 32) == Z_OK else {
      throw InputError(.io, file: file, "zlib inflateInit2 failed")
    }
  }

  deinit { inflateEnd(&stream) }

  func decode(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws
    -> (consumed: Int, produced: Int, finished: Bool)
  {
    guard input.count > 0 else { return (0, 0, finished) }
    if finished {
      // Zeros after the last member are a tape's or dd's block padding, which gzip ignores too.
      let zeros = input.prefix { $0 == 0 }.count
      if zeros > 0 {
        if padding == nil { padding = offset }
        offset += zeros
        return (zeros, 0, true)
      }
      // Padding ends the file: gzip reads no member after it either.
      if let padding {
        throw InputError(
          .io, file: file, "holds data after the zero padding that ends its gzip stream, from byte \(offset) on (bytes \(padding)–\(offset - 1) are zeros; another file appended?)")
      }
      guard input.count < 2 || (input[0] == 0x1F && input[1] == 0x8B) else {
        throw InputError(.io, file: file, InputFile.trailingData(from: offset, compression: .gzip))
      }
      // Another gzip member follows the one that ended (as `cat a.gz b.gz` makes).
      inflateReset(&stream)
      finished = false
      trailingStart = offset
    }
    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
    stream.avail_in = uInt(input.count)
    stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
    stream.avail_out = uInt(output.count)
    let status = inflate(&stream, Z_NO_FLUSH)
    let consumed = input.count - Int(stream.avail_in)
    let produced = output.count - Int(stream.avail_out)
    offset += consumed
    if produced > 0 { trailingStart = nil }
    switch status {
    case Z_OK, Z_BUF_ERROR:
      return (consumed, produced, false)
    case Z_STREAM_END:
      finished = true
      return (consumed, produced, true)
    default:
      if let start = trailingStart { throw InputError(.io, file: file, InputFile.trailingData(from: start, compression: .gzip)) }
      let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
      throw InputError(.io, file: file, "gzip data is damaged: \(detail)")
    }
  }
}

/// zstd's streaming decompressor; frames may follow one another.
private final class ZstdDecoder {
  private let stream: OpaquePointer
  private let file: String
  private var frameOpen = false
  /// Whether a frame has ended, and how many compressed bytes came before now.
  private var framesEnded = false
  private var offset = 0
  /// Where the frame being read began, when another ended before it and
  /// this one has yielded nothing yet: it may be trailing data.
  private(set) var trailingStart: Int?

  init(file: String) throws {
    self.file = file
    guard let stream = ZSTD_createDStream() else {
      throw InputError(.io, file: file, "ZSTD_createDStream failed")
    }
    self.stream = stream
    ZSTD_initDStream(stream)
  }

  deinit { ZSTD_freeDStream(stream) }

  func decode(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws
    -> (consumed: Int, produced: Int, finished: Bool)
  {
    var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
    var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
    let hint = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
    if ZSTD_isError(hint) != 0 {
      if framesEnded, let start = trailingStart ?? (frameOpen ? nil : offset) {
        throw InputError(.io, file: file, InputFile.trailingData(from: start, compression: .zstd))
      }
      let detail = String(cString: ZSTD_getErrorName(hint))
      throw InputError(.io, file: file, "zstd data is damaged: \(detail)")
    }
    if framesEnded, !frameOpen, inBuffer.pos > 0, hint != 0 { trailingStart = offset }
    offset += inBuffer.pos
    if inBuffer.pos > 0 || outBuffer.pos > 0 { frameOpen = hint != 0 }
    if outBuffer.pos > 0 || !frameOpen { trailingStart = nil }
    if !frameOpen { framesEnded = true }
    return (inBuffer.pos, outBuffer.pos, !frameOpen)
  }
}
