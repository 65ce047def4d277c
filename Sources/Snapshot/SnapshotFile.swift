#if canImport(Glibc)
  import Glibc
#endif
import Foundation

/// Reading and atomically writing snapshot files.
public enum SnapshotFile {
  /// Writes to a temporary file beside `path`, syncs it, and renames it into
  /// place: a reader sees the old file or the whole new one, never a part.
  public static func write(_ snapshot: Snapshot, to path: String) throws {
    try AtomicFile.write(SnapshotCodec.encode(snapshot), to: path)
  }

  public static func read(_ path: String) throws -> Snapshot {
    // The header says how long the file is: one grown past it (a stray
    // multi-gigabyte file in the store) is refused before it is read whole.
    let header = try AtomicFile.read(path, limit: SnapshotCodec.headerSize)
    if let declared = SnapshotCodec.fileSize(declaredBy: header), let actual = AtomicFile.size(of: path), actual != declared {
      throw SnapshotError(.damaged, file: path, "snapshot is truncated or has trailing bytes (length mismatch)")
    }
    return try SnapshotCodec.decode(try AtomicFile.read(path), file: path)
  }
}

/// Whole-file reads and crash-safe writes.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws {
    try write([(path, bytes)])
  }

  /// Writes several files as one: each to a temporary file beside it, and
  /// only when all are written and synced are they renamed into place, so
  /// that a failure leaves every old file as it was (a set of reports never
  /// mixes two runs). A path that names a directory, a device or a FIFO is
  /// refused: renaming over it would replace it (`--out /dev/null`).
  public static func write(_ files: [(path: String, bytes: [UInt8])]) throws {
    for (path, _) in files {
      var info = stat()
      if path.isEmpty || path.hasSuffix("/") || (stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR) {
        throw SnapshotError(.io, file: path.isEmpty ? "''" : path, "is no file name: give the path of the file to write")
      }
      if lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG, (info.st_mode & S_IFMT) != S_IFLNK {
        throw SnapshotError(
          .io, file: path, "is a device, FIFO or socket, not a regular file: give the path of a file to write, new or to replace")
      }
    }
    var temporaries: [String] = []
    var done = false
    defer {
      if !done { for temporary in temporaries { unlink(temporary) } }
    }
    for (path, bytes) in files { temporaries.append(try writeTemporary(bytes, beside: path)) }
    for ((path, _), temporary) in zip(files, temporaries) {
      guard rename(temporary, path) == 0 else {
        throw SnapshotError(.io, file: path, "cannot rename the temporary file into place: \(errorText())")
      }
    }
    done = true
    // The renames themselves are durable once the directories are synced.
    for directory in Set(files.map { directory(of: $0.path) }) {
      let directoryFD = open(directory, O_RDONLY | O_DIRECTORY)
      if directoryFD >= 0 {
        fsync(directoryFD)
        close(directoryFD)
      }
    }
  }

  private static func directory(of path: String) -> String {
    path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
  }

  /// Writes and syncs `bytes` to a new temporary file beside `path`; returns its path.
  private static func writeTemporary(_ bytes: [UInt8], beside path: String) throws -> String {
    let directory = directory(of: path)
    var template = Array("\(directory)/.\(path.split(separator: "/").last ?? "out").XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw SnapshotError(.io, file: path, "cannot create a temporary file in \(directory): \(errorText())")
    }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var ok = false
    defer {
      close(fd)
      if !ok { unlink(temporary) }
    }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SnapshotError(.io, file: path, "write failed: \(errorText())")
      }
      written += n
    }
    guard fsync(fd) == 0, fchmod(fd, 0o644) == 0 else {
      throw SnapshotError(.io, file: path, "fsync failed: \(errorText())")
    }
    ok = true
    return temporary
  }

  /// Makes the folder `path` and those above it, as `mkdir -p` does, saying
  /// in words what stands in the way.
  public static func makeFolder(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      // The nearest existing path above, to name what blocks the way.
      var blocker = path
      var info = stat()
      while !blocker.isEmpty, stat(blocker, &info) != 0 {
        guard let slash = blocker.lastIndex(of: "/") else { blocker = ""; break }
        blocker = String(blocker[..<slash])
      }
      if !blocker.isEmpty, (info.st_mode & S_IFMT) != S_IFDIR {
        throw SnapshotError(.io, file: path, "cannot make this folder: \(blocker) is a file, not a folder")
      }
      throw SnapshotError(.io, file: path, "cannot make this folder: \(errorText())")
    }
  }

  /// The size of the file at `path`, nil when it cannot be told.
  public static func size(of path: String) -> UInt64? {
    var info = stat()
    return stat(path, &info) == 0 ? UInt64(info.st_size) : nil
  }

  /// The file's bytes, or its first `limit` bytes.
  public static func read(_ path: String, limit: Int = .max) throws -> [UInt8] {
    // Without O_NONBLOCK, opening a FIFO waits for a writer that never comes.
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw SnapshotError(.io, file: path, "cannot open: \(errorText())") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      throw SnapshotError(.io, file: path, "is not a regular file: expected a file capdiff wrote")
    }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while result.count < limit {
      let wanted = min(buffer.count, limit - result.count)
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SnapshotError(.io, file: path, "read failed: \(errorText())")
      }
      if n == 0 { break }
      result.append(contentsOf: buffer[0..<n])
    }
    return result
  }

  private static func errorText() -> String { String(cString: strerror(errno)) }
}
