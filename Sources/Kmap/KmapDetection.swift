import Input

/// Tells the kmap layouts apart by their first line.
public enum KmapDetection {
  /// The layout of the input whose first bytes are `bytes`, or `forced`.
  public static func detect(_ bytes: Span<UInt8>, file: String, forced: KmapFormat?) throws
    -> (format: KmapFormat, columns: AccessColumns)
  {
    guard !firstLineHoldsNUL(bytes) else {
      throw InputError(
        .unsupportedFormat, file: file,
        "is binary data, not a Memorizer kmap (expected text lines of comma-separated fields)")
    }
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      throw InputError(
        .unsupportedFormat, file: file, line: 1, column: 1,
        "begins with a UTF-8 byte-order mark, which Memorizer never writes (was it saved by an editor?): remove the first three bytes")
    }
    // The first line that is not blank, as the parser skips blank ones.
    var (start, lineNumber) = (0, 1)
    var line = Lines.line(in: bytes, from: 0)
    while line.terminated, isBlank(bytes, start, line.end) {
      (start, lineNumber) = (line.next, lineNumber + 1)
      line = Lines.line(in: bytes, from: start)
    }
    let end = isBlank(bytes, start, line.end) ? start : line.end
    guard end > start else {
      throw InputError(.unsupportedFormat, file: file, "is empty: expected a Memorizer kmap")
    }
    if matches(bytes, start, "alloc_index,") {
      let hasPID = headerHasPID(bytes, start, end)
      if let forced, forced != .accesses { throw mismatch(file, forced, found: "an accesses header") }
      return (.accesses, AccessColumns(hasPID: hasPID))
    }
    if matches(bytes, start, "alloc_ip,") {
      if let forced, forced != .allocations {
        throw mismatch(file, forced, found: "an allocations header")
      }
      return (.allocations, AccessColumns(hasPID: true))
    }
    let fields = fieldCount(bytes, start, end)
    var scanner = FieldScanner(start: start, end: end)
    let addressFirst = scanner.scanHex(bytes) != nil
    let current = addressFirst && looksCurrent(bytes, typeStart: Self.typeStart(bytes, start, end), end, fields: fields)
    if let forced {
      if forced == .accesses {
        return (.accesses, AccessColumns(hasPID: fieldCount(bytes, start, end) == 5))
      }
      // Read as legacy, a current line would shift every count into the wrong column.
      if forced == .legacy, current {
        throw mismatch(file, forced, found: "an object line of the current format (field 8 is an allocation type)")
      }
      if forced == .current, addressFirst, !current, fields == 8 {
        throw mismatch(file, forced, found: "an object line of the legacy 4.10 format (no allocation type in field 8)")
      }
      return (forced, AccessColumns(hasPID: true))
    }
    if bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
      throw InputError(
        .unsupportedFormat, file: file, line: lineNumber, column: 1,
        "begins with an access line; expected an object line first (is this the middle of a kmap?)")
    }
    if current { return (.current, AccessColumns(hasPID: true)) }
    if addressFirst, fields >= 8 {
      return (.legacy, AccessColumns(hasPID: true))
    }
    throw InputError(
      .unsupportedFormat, file: file, line: lineNumber, column: 1,
      "is not a Memorizer kmap: the first line is \(excerpt(bytes, start, end)) with \(fields) field\(fields == 1 ? "" : "s"); expected an object line of 11 fields (current format) or 8 (legacy 4.10 format), or an allocations/accesses header"
    )
  }

  /// Where a chunk of `format` may end: before an object line, or in a
  /// split `accesses` file, before a line of another object.
  static func boundary(for format: KmapFormat?) -> (Span<UInt8>) -> Int? {
    if format == .accesses { return { accessesBoundary($0) } }
    return { objectBoundary($0) }
  }

  /// Cuts before the last line that starts an object (or any line of an
  /// `allocations` file): a line beginning with neither white space nor a
  /// line end.
  public static func objectBoundary(_ bytes: Span<UInt8>) -> Int? {
    var i = bytes.count - 2
    while i >= 0 {
      if bytes[i] == UInt8(ascii: "\n") {
        let next = bytes[i + 1]
        if next != UInt8(ascii: " "), next != UInt8(ascii: "\t"), next != UInt8(ascii: "\n"),
          next != UInt8(ascii: "\r")
        {
          return i + 1
        }
      }
      i -= 1
    }
    return nil
  }

  /// Cuts before the lines of the last whole line's object: an object's
  /// lines counted in two chunks, by two workers, would count it twice. The
  /// last line may be cut short, so its object is not known; it goes to the
  /// next chunk with them.
  public static func accessesBoundary(_ bytes: Span<UInt8>) -> Int? {
    func startOfLine(at position: Int) -> Int {
      var i = position
      while i > 0, bytes[i - 1] != UInt8(ascii: "\n") { i -= 1 }
      return i
    }
    // Whether two lines begin with the same allocation index.
    func sameIndex(_ a: Int, _ b: Int) -> Bool {
      var (i, j) = (a, b)
      while i < bytes.count, j < bytes.count, bytes[i] == bytes[j] {
        if bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "\n") { return true }
        (i, j) = (i + 1, j + 1)
      }
      return false
    }
    guard let afterLastNewline = ChunkReader.lastNewline(bytes) else { return nil }
    let last = startOfLine(at: afterLastNewline - 1)
    var start = last
    while start > 0, sameIndex(startOfLine(at: start - 1), last) { start = startOfLine(at: start - 1) }
    return start > 0 ? start : nil
  }

  /// Where field 8 (the current format's alloc_type) of `bytes[start..<end]` begins.
  private static func typeStart(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Int {
    var (field, i, typeStart) = (0, start, start)
    while i < end, field < 7 {
      if bytes[i] == UInt8(ascii: ",") {
        field += 1
        typeStart = i + 1
      }
      i += 1
    }
    return typeStart
  }

  /// Whether an object line has the current format's shape: ten fields or
  /// more (the command may hold commas) with an allocation type in field 8
  /// (one capdiff knows, `(null)`, or a name spelt as Memorizer spells
  /// them), or ending in the empty or typed new_alloc_type. A legacy line's
  /// eighth field onwards is the command alone, which is none of these. A
  /// current line with a type capdiff does not know, or a field missing, is
  /// then read as current and its error named, rather than read as legacy
  /// with every count in the wrong column.
  static func looksCurrent(_ bytes: Span<UInt8>, typeStart: Int, _ end: Int, fields: Int) -> Bool {
    guard fields >= 10 else { return false }
    var typeEnd = typeStart
    while typeEnd < end, bytes[typeEnd] != UInt8(ascii: ",") { typeEnd += 1 }
    if AllocType.parse(bytes, typeStart, typeEnd) != nil || AllocType.isUnprinted(bytes, typeStart, typeEnd)
      || AllocType.looksLikeName(bytes, typeStart, typeEnd)
    {
      return true
    }
    var lastComma = end - 1
    while lastComma > typeStart, bytes[lastComma] != UInt8(ascii: ",") { lastComma -= 1 }
    return fields >= 11 && (lastComma + 1 == end || AllocType.parse(bytes, lastComma + 1, end) != nil)
  }

  private static func headerHasPID(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Bool {
    var fieldStart = start
    for i in start...end where i == end || bytes[i] == UInt8(ascii: ",") {
      if i - fieldStart == 3, matches(bytes, fieldStart, "pid") { return true }
      fieldStart = i + 1
    }
    return false
  }

  private static func mismatch(_ file: String, _ forced: KmapFormat, found: String) -> InputError {
    InputError(
      .unsupportedFormat, file: file, line: 1, column: 1,
      "is read as \(forced == .accesses ? "the accesses half of a split kmap" : "a \(forced.rawValue) kmap") (--kmap-format, or its place after an allocations file), but it begins with \(found)")
  }
}
