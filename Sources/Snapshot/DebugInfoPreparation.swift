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
    var started = false
    var ended = false
  }

  private let debugInfo: DebugInfo
  private let state = Mutex(State())

  init(_ debugInfo: DebugInfo) {
    self.debugInfo = debugInfo
  }

  /// A worker met a global object: globals will be placed.
  func metGlobal() {
    let start = state.withLock { state in
      defer { state.started = true }
      return !state.started
    }
    guard start else { return }
    Thread.detachNewThread { [self] in
      debugInfo.indexVariables()
      state.withLock { $0.ended = true }
    }
  }

  /// Waits for a walk under way to end.
  func finished() async {
    while state.withLock({ $0.started && !$0.ended }) { try? await Task.sleep(for: .milliseconds(1)) }
  }
}
