import Input

/// Where an `allocations` file first gives one allocation index to a second
/// object. The workers that read the file each see only their chunks, so a
/// repeat across chunks is found after reading, without a line; the file is
/// then read once more, on this error path only, to name it.
public struct RepeatedAllocationIndex: Sendable, Equatable {
  public var index: UInt64
  /// The line of the second object and the column of its index.
  public var line: Int
  public var column: Int
  /// The line of the object that had the index first.
  public var firstLine: Int

  /// The first repeat in `path`, nil if there is none.
  public static func find(in path: String) throws -> RepeatedAllocationIndex? {
    let reader = ChunkReader(file: try InputFile(path: path))
    var lineOfIndex: [UInt64: Int] = [:]
    var lineNumber = 0
    while let chunk = try reader.next() {
      let bytes = chunk.bytes.span
      var found: RepeatedAllocationIndex?
      Lines.forEach(in: bytes) { start, end, _ in
        lineNumber += 1
        // alloc_ip,pid,ptr,size,alloc_serial,…: the index is the fifth field.
        var fields = FieldScanner(start: start, end: end)
        for _ in 0..<4 {
          _ = fields.skipField(bytes)
          guard fields.skipComma(bytes) else { return true }
        }
        let column = fields.position - start + 1
        guard let index = fields.scanDecimal(bytes) else { return true }
        if let first = lineOfIndex.updateValue(lineNumber, forKey: index) {
          found = RepeatedAllocationIndex(index: index, line: lineNumber, column: column, firstLine: first)
          return false
        }
        return true
      }
      if let found { return found }
    }
    return nil
  }
}
