#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive `flock` on a file, held for the duration of `body`: two CI
/// jobs writing one store take turns, and neither loses the other's run.
enum FileLock {
  static func withLock<T>(_ path: String, store: String, _ body: () throws -> T) throws -> T {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw StoreError(store: store, "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw StoreError(store: store, "cannot lock \(path): \(String(cString: strerror(errno)))")
      }
    }
    defer { flock(fd, LOCK_UN) }
    return try body()
  }
}
