public import Input

/// A malformed or cut line, located within its chunk until the chunks'
/// line counts are known.
public struct LineProblem: Sendable, Equatable {
  /// 1-based line within the chunk.
  public var line: Int
  public var column: Int
  public var message: String
}

/// What parsing one chunk found besides its records.
public struct ChunkReport: Sendable {
  public var chunkIndex: Int
  /// Newline-terminated lines in the chunk.
  public var lines = 0
  public var objects = 0
  public var accesses = 0
  /// Lines skipped: malformed ones (lenient mode) and the access lines of a
  /// skipped object.
  public var skippedLines = 0
  /// Malformed lines, in order (lenient mode keeps the first few).
  public var problems: [LineProblem] = []
  /// In strict mode, the malformed line parsing stopped at.
  public var error: LineProblem?
  /// The last line of the input, when it did not end in a newline.
  public var cutLine: LineProblem?
  /// Objects whose free Memorizer saw, and those still live (free_ip 0).
  public var freedObjects = 0
  public var liveObjects = 0

  public init(chunkIndex: Int) { self.chunkIndex = chunkIndex }
}

/// Parses chunks of one kmap format into a sink.
public struct KmapParser: Sendable {
  public var format: KmapFormat
  public var accessColumns: AccessColumns
  /// Skip malformed lines (reporting them) instead of stopping at the first.
  public var lenient: Bool
  /// How many problems a lenient chunk keeps for the report.
  public static let keptProblems = 5
  /// What a split `accesses` line's index must be; callers that know why
  /// an index may be missing add to the message that says it.
  public static let listedIndex = "an allocation index that the allocations file lists"

  public init(format: KmapFormat, accessColumns: AccessColumns = .init(hasPID: true), lenient: Bool) {
    self.format = format
    self.accessColumns = accessColumns
    self.lenient = lenient
  }

  /// Parses the whole lines of `chunk` into `sink`.
  public func parse<Sink: KmapSink>(_ chunk: Chunk, into sink: inout Sink) -> ChunkReport {
    var report = ChunkReport(chunkIndex: chunk.index)
    let bytes = chunk.bytes.span
    // Chunks after the first start on a record boundary; a skipped object's
    // access lines never straddle chunks, so this state starts fresh.
    var objectOpen = false
    var skippingObject = false
    var lineNumber = 0
    // Access lines go to the sink a batch at a time, so that it can look up
    // many addresses at once; an object line first delivers those before it.
    var batch = AccessBatch()
    func flush() {
      guard !batch.isEmpty else { return }
      batch.drain { sink.accesses($0) }
    }
    // Reads the line numbered `lineNumber`; false stops the chunk.
    func parseLine(_ start: Int, _ end: Int, terminated: Bool) -> Bool {
      guard terminated else {
        if end > start {
          report.cutLine = LineProblem(
            line: lineNumber, column: 1,
            message:
              "last line is cut short (no newline at the end, as when a kmap is copied from debugfs mid-write); kept out: \(excerpt(bytes, start, end))"
          )
        }
        return false
      }
      report.lines += 1
      // Blank, or white space alone: nothing Memorizer wrote.
      if isBlank(bytes, start, end) { return true }
      let problem: LineProblem?
      let indented = bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t")
      switch format {
      case .current, .legacy, .allocations:
        if indented && format != .allocations {
          if skippingObject {
            report.skippedLines += 1
            return true
          }
          guard objectOpen else {
            problem = LineProblem(
              line: lineNumber, column: 1,
              message: "access line before any object line; expected an object line first")
            break
          }
          problem = parseAccess(bytes, start, end, line: lineNumber, into: &batch)
          if problem == nil { report.accesses += 1 }
        } else {
          if format == .allocations, chunk.index == 0, lineNumber == 1,
            isHeader(bytes, start, end, first: "alloc_ip")
          {
            return true
          }
          flush()
          problem = parseObject(bytes, start, end, line: lineNumber, report: &report, into: &sink)
          objectOpen = problem == nil
          skippingObject = problem != nil
        }
      case .accesses:
        if chunk.index == 0, lineNumber == 1, isHeader(bytes, start, end, first: "alloc_index") {
          return true
        }
        problem = parseSplitAccess(bytes, start, end, line: lineNumber, knows: { sink.knowsObject($0) }, into: &batch)
        if problem == nil { report.accesses += 1 }
      }
      guard let problem else { return true }
      if !lenient {
        report.error = problem
        return false
      }
      report.skippedLines += 1
      if report.problems.count < Self.keptProblems { report.problems.append(problem) }
      return true
    }
    let readsAccessLinesFast = format == .current
    var start = 0
    while start < bytes.count {
      lineNumber += 1
      if readsAccessLinesFast, objectOpen, let (access, next) = AccessLineScanner.scan(bytes, from: start) {
        report.lines += 1
        report.accesses += 1
        batch.append(access)
        if batch.isFull { flush() }
        start = next
        continue
      }
      let line = Lines.line(in: bytes, from: start)
      guard parseLine(start, line.end, terminated: line.terminated) else { break }
      if batch.isFull { flush() }
      start = line.next
    }
    flush()
    return report
  }

  private func isHeader(_ bytes: Span<UInt8>, _ start: Int, _ end: Int, first: StaticString) -> Bool
  {
    let name = first.utf8Start
    let count = first.utf8CodeUnitCount
    guard end - start > count else { return false }
    for k in 0..<count where bytes[start + k] != name[k] { return false }
    return bytes[start + count] == UInt8(ascii: ",")
  }

  // MARK: Object lines

  private static let currentFields =
    "alloc_ip,pid,obj_va_ptr,size,alloc_index,free_index,free_ip,alloc_type,command,slabname,new_alloc_type"
  private static let legacyFields =
    "alloc_ip,pid,obj_va_ptr,size,alloc_jiffies,free_jiffies,free_ip,executable"

  private func parseObject<Sink: KmapSink>(
    _ bytes: Span<UInt8>, _ start: Int, _ end: Int, line: Int, report: inout ChunkReport,
    into sink: inout Sink
  ) -> LineProblem? {
    var scanner = FieldScanner(start: start, end: end)
    let legacy = format == .legacy
    let expected = legacy ? Self.legacyFields : Self.currentFields
    let required = legacy ? 8 : 11
    func bad(_ field: Int, _ name: String, _ what: String, at fieldStart: Int)
      -> LineProblem
    {
      fieldProblem(
        bytes, start, end, line: line, kind: "an object line", expected: expected, required: required,
        field: "field \(field) (\(name))", what: what, at: fieldStart)
    }
    var fieldStart = scanner.position
    guard let allocIP = scanner.scanHex(bytes), scanner.skipComma(bytes) else {
      return bad(1, "alloc_ip", "a hex address", at: fieldStart)
    }
    fieldStart = scanner.position
    guard let pid = scanner.scanSigned(bytes), scanner.skipComma(bytes) else {
      return bad(2, "pid", "a decimal pid", at: fieldStart)
    }
    fieldStart = scanner.position
    guard let address = scanner.scanHex(bytes), scanner.skipComma(bytes) else {
      return bad(3, "obj_va_ptr", "a hex address", at: fieldStart)
    }
    fieldStart = scanner.position
    guard let size = scanner.scanDecimal(bytes), scanner.skipComma(bytes) else {
      return bad(4, "size", "a decimal size", at: fieldStart)
    }
    let indexName = legacy ? "alloc_jiffies" : "alloc_index"
    fieldStart = scanner.position
    guard let allocIndex = scanner.scanDecimal(bytes), scanner.skipComma(bytes) else {
      return bad(5, indexName, "a decimal number", at: fieldStart)
    }
    let freeName = legacy ? "free_jiffies" : "free_index"
    fieldStart = scanner.position
    guard let freeIndex = scanner.scanDecimal(bytes), scanner.skipComma(bytes) else {
      return bad(6, freeName, "a decimal number", at: fieldStart)
    }
    fieldStart = scanner.position
    guard let freeIP = scanner.scanHex(bytes), scanner.skipComma(bytes) else {
      return bad(7, "free_ip", "a hex address", at: fieldStart)
    }
    var allocType: AllocType? = nil
    var newAllocType: AllocType? = nil
    var slabStart = end
    var slabEnd = end
    // Read as legacy, its type would pass for the command and its access
    // lines' counts would land in the wrong columns.
    // The scanner stands at field 8, seven commas in: only the rest is counted.
    if legacy,
      KmapDetection.looksCurrent(bytes, typeStart: scanner.position, end, fields: 7 + fieldCount(bytes, scanner.position, end))
    {
      return LineProblem(
        line: line, column: scanner.position - start + 1,
        message:
          "field 8 (executable): found an allocation type: this is an object line of the current format '\(Self.currentFields)' in a legacy kmap (two kmaps joined?)"
      )
    }
    if !legacy {
      let typeStart = scanner.skipField(bytes)
      guard scanner.position < end else {
        return bad(9, "command", "the task's command", at: end)
      }
      if AllocType.isUnprinted(bytes, typeStart, scanner.position) {
        allocType = nil
      } else if let type = AllocType.parse(bytes, typeStart, scanner.position) {
        allocType = type
      } else {
        return LineProblem(
          line: line, column: typeStart - start + 1,
          message:
            "field 8 (alloc_type): expected an allocation type name (KMALLOC, KMEM_CACHE, GLOBAL, …), a code or (null), found \(excerpt(bytes, typeStart, scanner.position))"
        )
      }
      // The command may hold commas: the last two fields are read from the right.
      let commandStart = scanner.position + 1
      var lastComma = end - 1
      while lastComma >= commandStart, bytes[lastComma] != UInt8(ascii: ",") { lastComma -= 1 }
      var slabComma = lastComma - 1
      while slabComma >= commandStart, bytes[slabComma] != UInt8(ascii: ",") { slabComma -= 1 }
      guard slabComma >= commandStart else {
        let found = fieldCount(bytes, start, end)
        return LineProblem(
          line: line, column: 1,
          message: "expected an object line '\(expected)', found \(found) fields")
      }
      slabStart = slabComma + 1
      slabEnd = lastComma
      guard slabEnd > slabStart else {
        return LineProblem(
          line: line, column: slabStart - start + 1,
          message: "field 10 (slabname): expected a slab cache name or 'no-slab', found nothing")
      }
      if lastComma + 1 < end, !AllocType.isUnprinted(bytes, lastComma + 1, end) {
        guard let type = AllocType.parse(bytes, lastComma + 1, end) else {
          return LineProblem(
            line: line, column: lastComma + 1 - start + 1,
            message:
              "field 11 (new_alloc_type): expected an allocation type name, (null) or nothing, found \(excerpt(bytes, lastComma + 1, end))"
          )
        }
        newAllocType = type
      }
      if let control = firstControl(bytes, slabStart, slabEnd) {
        return LineProblem(
          line: line, column: control - start + 1,
          message: "field 10 (slabname): expected a slab cache name, found a control character in \(excerpt(bytes, slabStart, slabEnd))")
      }
      if slabEnd - slabStart == 7, matches(bytes, slabStart, "no-slab") {
        slabEnd = slabStart
      }
    }
    report.objects += 1
    if freeIP == 0 { report.liveObjects += 1 } else { report.freedObjects += 1 }
    let object = KmapObject(
      allocIP: allocIP, pid: pid, address: address, size: size, allocIndex: allocIndex,
      freeIndex: freeIndex, freeIP: freeIP, allocType: allocType, newAllocType: newAllocType)
    sink.object(object, slab: bytes.extracting(slabStart..<slabEnd))
    return nil
  }

  // MARK: Access lines

  private func parseAccess(
    _ bytes: Span<UInt8>, _ start: Int, _ end: Int, line: Int, into batch: inout AccessBatch
  ) -> LineProblem? {
    var first = start
    while first < end, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t") {
      first += 1
    }
    let isFrom = end - first > 5 && matches(bytes, first, "from:")
    var scanner = FieldScanner(start: isFrom ? first + 5 : first, end: end)
    let legacy = format == .legacy
    let expected =
      legacy
      ? "access_ip,access_pid,write_count,read_count"
      : (isFrom ? "from:access_ip,writes,reads" : "access_ip,writes,reads,pid")
    var fieldStart = scanner.position
    let required = legacy || !isFrom ? 4 : 3
    func bad(_ name: String, _ what: String) -> LineProblem {
      fieldProblem(
        bytes, first, end, line: line, kind: "an access line", expected: expected,
        required: required, exact: true, field: name, what: what, at: fieldStart, lineStart: start)
    }
    guard let address = scanner.scanHex(bytes), scanner.skipComma(bytes) else {
      return bad("access_ip", "a hex address")
    }
    var pid: Int64? = nil
    if legacy {
      fieldStart = scanner.position
      guard let value = scanner.scanSigned(bytes), scanner.skipComma(bytes) else {
        return bad("access_pid", "a decimal pid")
      }
      pid = value
    }
    fieldStart = scanner.position
    guard let writes = scanner.scanDecimal(bytes), scanner.skipComma(bytes) else {
      return bad(legacy ? "write_count" : "writes", "a decimal count")
    }
    fieldStart = scanner.position
    guard let reads = scanner.scanDecimal(bytes) else {
      return bad(legacy ? "read_count" : "reads", "a decimal count")
    }
    if !legacy && !isFrom {
      fieldStart = scanner.position + 1
      guard scanner.skipComma(bytes), let value = scanner.scanSigned(bytes) else {
        return bad("pid", "a decimal pid")
      }
      pid = value
    }
    guard scanner.atEnd else {
      let found = fieldCount(bytes, first, end)
      return LineProblem(
        line: line, column: 1,
        message: "expected an access line '\(expected)', found \(found) fields")
    }
    batch.append(KmapAccess(address: address, writes: writes, reads: reads, pid: pid, isFrom: isFrom))
    return nil
  }

  private func parseSplitAccess(
    _ bytes: Span<UInt8>, _ start: Int, _ end: Int, line: Int, knows: (UInt64) -> Bool,
    into batch: inout AccessBatch
  ) -> LineProblem? {
    var scanner = FieldScanner(start: start, end: end)
    let expected =
      accessColumns.hasPID ? "alloc_index,access_ip,pid,writes,reads" : "alloc_index,access_ip,writes,reads"
    var fieldStart = start
    func bad(_ name: String, _ what: String, read: Bool = false) -> LineProblem {
      fieldProblem(
        bytes, start, end, line: line, kind: "an accesses line", expected: expected,
        required: accessColumns.hasPID ? 5 : 4, exact: true, field: name, what: what, at: fieldStart, read: read)
    }
    guard let index = scanner.scanDecimal(bytes), scanner.skipComma(bytes) else {
      return bad("alloc_index", "a decimal allocation index")
    }
    fieldStart = scanner.position
    guard let address = scanner.scanHex(bytes), scanner.skipComma(bytes) else {
      return bad("access_ip", "a hex address")
    }
    var pid: Int64? = nil
    if accessColumns.hasPID {
      fieldStart = scanner.position
      guard let value = scanner.scanSigned(bytes), scanner.skipComma(bytes) else {
        return bad("pid", "a decimal pid")
      }
      pid = value
    }
    fieldStart = scanner.position
    guard let writes = scanner.scanDecimal(bytes), scanner.skipComma(bytes) else {
      return bad("writes", "a decimal count")
    }
    fieldStart = scanner.position
    guard let reads = scanner.scanDecimal(bytes), scanner.atEnd else {
      return bad("reads", "a decimal count")
    }
    // An index the allocations file does not list: the two files are not of
    // one dump, and the line has no object to count against.
    guard knows(index) else {
      fieldStart = start
      return bad("alloc_index", Self.listedIndex, read: true)
    }
    batch.append(
      KmapAccess(address: address, writes: writes, reads: reads, pid: pid, objectIndex: index))
    return nil
  }
}

/// The message for a field that failed to parse: a count of fields when the
/// line has too few (or, for `exact` layouts, too many), else what the field holds.
/// A field that was `read` and is wrong for another reason says what it holds alone.
func fieldProblem(
  _ bytes: Span<UInt8>, _ start: Int, _ end: Int, line: Int, kind: String, expected: String,
  required: Int, exact: Bool = false, field: String, what: String, at fieldStart: Int,
  lineStart: Int? = nil, read: Bool = false
) -> LineProblem {
  if !read {
    let found = fieldCount(bytes, start, end)
    if found < required || (exact && found != required) {
      return LineProblem(
        line: line, column: 1,
        message: "expected \(kind) '\(expected)', found \(found) field\(found == 1 ? "" : "s"): \(excerpt(bytes, start, end))")
    }
  }
  var probe = FieldScanner(start: fieldStart, end: end)
  _ = probe.skipField(bytes)
  // Digits alone fail only by overflowing 64 bits.
  var digits = fieldStart
  while digits < probe.position, bytes[digits] >= UInt8(ascii: "0"), bytes[digits] <= UInt8(ascii: "9") { digits += 1 }
  let overflows = !read && digits == probe.position && probe.position > fieldStart + 1
  return LineProblem(
    line: line, column: fieldStart - (lineStart ?? start) + 1,
    message:
      "\(field): expected \(what), found \(excerpt(bytes, fieldStart, probe.position))"
      + (overflows ? ", which 64 bits cannot hold" : ""))
}

/// Whether `bytes` holds `literal` at `start`.
func matches(_ bytes: Span<UInt8>, _ start: Int, _ literal: StaticString) -> Bool {
  let count = literal.utf8CodeUnitCount
  guard start + count <= bytes.count else { return false }
  let pointer = literal.utf8Start
  for k in 0..<count where bytes[start + k] != pointer[k] { return false }
  return true
}

/// Comma-separated fields in `bytes[start..<end]`.
func fieldCount(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Int {
  guard end > start else { return 0 }
  var commas = 0
  for i in start..<end where bytes[i] == UInt8(ascii: ",") { commas += 1 }
  return commas + 1
}
