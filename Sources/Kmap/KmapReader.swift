public import Input

/// What reading one kmap file found: its layout, its size in lines and
/// records, and the lines it could not use.
public struct KmapFileReport: Sendable, Equatable {
  public var file: String
  public var format: KmapFormat
  public var compression: Compression
  /// XXH3-128 of the content, decompressed, `xxh128:…` (what `xxhsum -H2` prints of it).
  public var digest: String?
  public var lines = 0
  public var objects = 0
  public var accesses = 0
  public var skippedLines = 0
  public var freedObjects = 0
  public var liveObjects = 0
  /// The first few malformed lines skipped in lenient mode, with their locations.
  public var problems: [Diagnostic] = []
  /// The last line, when it was cut short and kept out.
  public var cutLine: Diagnostic?

  public init(file: String, format: KmapFormat, compression: Compression) {
    self.file = file
    self.format = format
    self.compression = compression
  }
}

/// Reads a kmap file in parallel: chunks cut on object boundaries go to
/// `workers` tasks, each aggregating into a sink of its own.
public enum KmapReader {
  /// Parses `path` (`-` for standard input) and returns one sink per worker.
  ///
  /// - Parameters:
  ///   - format: forces a layout; nil detects it from the first line.
  ///   - lenient: skip malformed lines instead of failing on the first.
  public static func read<Sink: KmapSink & Sendable>(
    path: String, format: KmapFormat?, lenient: Bool, workers: Int, chunkSize: Int,
    makeSink: @escaping @Sendable () -> Sink
  ) async throws -> (sinks: [Sink], report: KmapFileReport) {
    let feed = try ChunkFeed(path: path, chunkSize: chunkSize, boundary: KmapDetection.boundary(for: format))
    let first = try await feed.peek()
    let name = feed.name
    guard let first else {
      throw InputError(.unsupportedFormat, file: name, "is empty: expected a Memorizer kmap")
    }
    let detected = try KmapDetection.detect(first.bytes.span, file: name, forced: format)
    let parser = KmapParser(format: detected.format, accessColumns: detected.columns, lenient: lenient)
    let results = try await withThrowingTaskGroup(of: (Sink, [ChunkReport])?.self) { group in
      for _ in 0..<max(1, workers) {
        group.addTask {
          // Made with the first chunk: a worker the input has no chunk for
          // costs nothing, however many were asked for.
          guard let first = try await feed.next() else { return nil }
          var sink = makeSink()
          var reports: [ChunkReport] = []
          var next: Chunk? = first
          while let chunk = next {
            let report = parser.parse(chunk, into: &sink)
            if report.error != nil { await feed.stop(after: chunk.index) }
            reports.append(report)
            await feed.recycle(chunk.bytes)
            next = try await feed.next()
          }
          return (sink, reports)
        }
      }
      var all: [(Sink, [ChunkReport])] = []
      for try await result in group { if let result { all.append(result) } }
      return all
    }
    let reports = results.flatMap(\.1).sorted { $0.chunkIndex < $1.chunkIndex }
    var fileReport = KmapFileReport(
      file: name, format: detected.format, compression: feed.compression)
    fileReport.digest = await feed.digest()
    for report in reports {
      let offset = fileReport.lines
      if let error = report.error {
        throw InputError(
          .malformedLine, file: name, line: offset + error.line, column: error.column, error.message)
      }
      fileReport.lines += report.lines
      fileReport.objects += report.objects
      fileReport.accesses += report.accesses
      fileReport.skippedLines += report.skippedLines
      fileReport.freedObjects += report.freedObjects
      fileReport.liveObjects += report.liveObjects
      for problem in report.problems where fileReport.problems.count < KmapParser.keptProblems {
        fileReport.problems.append(
          Diagnostic(
            .warning, file: name, line: offset + problem.line, column: problem.column,
            problem.message + " (skipped)"))
      }
      if let cut = report.cutLine {
        fileReport.cutLine = Diagnostic(
          .warning, file: name, line: offset + cut.line, column: cut.column, cut.message)
      }
    }
    return (results.map(\.0), fileReport)
  }
}

/// Hands out the chunks of one input to the workers, one at a time, in order.
private actor ChunkFeed {
  nonisolated let name: String
  nonisolated let compression: Compression
  private let reader: ChunkReader
  private var pending: Chunk?
  private var stopAfter = Int.max

  init(path: String, chunkSize: Int, boundary: @escaping (Span<UInt8>) -> Int?) throws {
    let file = try InputFile(path: path)
    name = file.name
    compression = file.compression
    reader = ChunkReader(file: file, chunkSize: chunkSize, boundary: boundary)
  }

  /// The first chunk, left in place for `next()`.
  func peek() throws -> Chunk? {
    if pending == nil { pending = try reader.next() }
    return pending
  }

  func next() throws -> Chunk? {
    if let chunk = pending {
      pending = nil
      return chunk
    }
    guard let chunk = try reader.next(), chunk.index <= stopAfter else { return nil }
    return chunk
  }

  func recycle(_ bytes: [UInt8]) { reader.recycle(bytes) }

  /// The input's digest, once it has been read to the end.
  func digest() -> String? { reader.file.digest }

  /// A malformed line in chunk `index` ends the read: later chunks cannot hold
  /// the first error, earlier ones still might.
  func stop(after index: Int) { stopAfter = min(stopAfter, index) }
}
