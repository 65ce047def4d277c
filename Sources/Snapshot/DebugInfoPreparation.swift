import Symbols
import Synchronization

import class Foundation.Thread

/// Walks a vmlinux's variables, which placing a global in the file that
/// defines it needs, while the kmaps are read: the walk takes about 0.33 s
/// of CPU for a distribution's vmlinux. It starts at the first global
/// object a worker meets; a kmap without one never pays for it.
///
/// It runs on a thread of its own: the workers keep every thread of Swift's
/// pool busy while they read, and a task there waited for the reading to end.
final class DebugInfoPreparation: Sendable {
  private struct State {
    var wanted = false
    var closed = false
    var ended = false
  }

  private final class Shared: Sendable {
    let state = Mutex(State())
  }

  private let shared = Shared()

  init(_ debugInfo: DebugInfo) {
    let shared = shared
    Thread.detachNewThread {
      while true {
        let (wanted, closed) = shared.state.withLock { ($0.wanted, $0.closed) }
        if wanted { debugInfo.indexVariables() }
        if wanted || closed { break }
        Thread.sleep(forTimeInterval: 0.001)
      }
      shared.state.withLock { $0.ended = true }
    }
  }

  /// A worker met a global object: globals will be placed.
  func metGlobal() {
    shared.state.withLock { $0.wanted = true }
  }

  /// Ends the preparation once what was asked is done; a walk not yet
  /// begun is not begun.
  func close() {
    shared.state.withLock { $0.closed = true }
  }

  /// Waits for the preparation to end (after `close`).
  func finished() async {
    while !shared.state.withLock({ $0.ended }) { try? await Task.sleep(for: .milliseconds(1)) }
  }
}
