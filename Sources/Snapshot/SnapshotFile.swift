#if canImport(Glibc)
  import Glibc
#endif

/// Reading and atomically writing snapshot files.
public enum SnapshotFile {
  /// Writes to a temporary file beside `path`, syncs it, and renames it into
  /// place: a reader sees the old file or the whole new one, never a part.
  public static func write(_ snapshot: Snapshot, to path: String) throws {
    try AtomicFile.write(SnapshotCodec.encode(snapshot), to: path)
  }

  public static func read(_ path: String) throws -> Snapshot {
    try SnapshotCodec.decode(try AtomicFile.read(path), file: path)
  }
}

/// Whole-file reads and crash-safe writes.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws {
    var info = stat()
    if path.isEmpty || path.hasSuffix("/") || (stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR) {
      throw SnapshotError(.io, file: path.isEmpty ? "''" : path, "is no file name: give the path of the file to write")
    }
    let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    var template = Array("\(directory)/.\(path.split(separator: "/").last ?? "out").XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw SnapshotError(.io, file: path, "cannot create a temporary file in \(directory): \(errorText())")
    }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var ok = false
    defer {
      if !ok { unlink(temporary) }
    }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
      if n < 0 {
        if errno == EINTR { continue }
        let text = errorText()
        close(fd)
        throw SnapshotError(.io, file: path, "write failed: \(text)")
      }
      written += n
    }
    guard fsync(fd) == 0, fchmod(fd, 0o644) == 0 else {
      let text = errorText()
      close(fd)
      throw SnapshotError(.io, file: path, "fsync failed: \(text)")
    }
    close(fd)
    guard rename(temporary, path) == 0 else {
      throw SnapshotError(.io, file: path, "cannot rename the temporary file into place: \(errorText())")
    }
    ok = true
    // The rename itself is durable once the directory is synced.
    let directoryFD = open(directory, O_RDONLY | O_DIRECTORY)
    if directoryFD >= 0 {
      fsync(directoryFD)
      close(directoryFD)
    }
  }

  public static func read(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SnapshotError(.io, file: path, "cannot open: \(errorText())") }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SnapshotError(.io, file: path, "read failed: \(errorText())")
      }
      if n == 0 { return result }
      result.append(contentsOf: buffer[0..<n])
    }
  }

  private static func errorText() -> String { String(cString: strerror(errno)) }
}
