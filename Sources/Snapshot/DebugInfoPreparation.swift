import Symbols
import Synchronization

import class Foundation.Thread

/// Readies a vmlinux's DWARF while the kmaps are read, so that naming and
/// line lookups afterwards find it done: the line tables of the units of
/// the functions the workers meet, as they meet them, and, once a global
/// object appears, every unit's variables (to place globals).
///
/// It runs on a thread of its own: the workers keep every thread of Swift's
/// pool busy while they read, and a task there waited for the reading to end.
final class DebugInfoPreparation: Sendable {
  /// What the workers have told and the thread not yet taken.
  private struct Requests {
    var functions: [Int] = []
    var variables = false
    var closed = false
    /// Set while the builder asks its own questions: taking turns with it
    /// at DebugInfo's lock cost more than either alone.
    var paused = false
    /// Set by the thread as it returns.
    var ended = false
  }

  private final class Queue: Sendable {
    let requests = Mutex(Requests())
  }

  private let queue = Queue()

  init(_ debugInfo: DebugInfo, table: SymbolTable) {
    let queue = queue
    Thread.detachNewThread {
      var prepared = [Bool](repeating: false, count: table.functions.count)
      var indexedVariables = false
      while true {
        // A few functions at a time, so that a pause takes effect soon.
        let requests = queue.requests.withLock { requests in
          if requests.paused { return Requests(paused: true) }
          var taken = requests
          taken.functions = Array(requests.functions.prefix(32))
          requests.functions.removeFirst(taken.functions.count)
          return taken
        }
        if requests.variables, !indexedVariables {
          indexedVariables = true
          debugInfo.indexVariables()
        }
        for function in requests.functions where !prepared[function] {
          prepared[function] = true
          debugInfo.prepareLines(at: table.functions[function].start)
        }
        guard requests.functions.isEmpty else { continue }
        if requests.closed, !requests.paused { break }
        Thread.sleep(forTimeInterval: 0.001)
      }
      queue.requests.withLock { $0.ended = true }
    }
  }

  /// Functions (indexes into the symbol table) a worker met for the first time.
  func met(_ functions: [Int]) {
    queue.requests.withLock { $0.functions += functions }
  }

  /// A worker met a global object: globals will be placed.
  func metGlobal() {
    queue.requests.withLock { $0.variables = true }
  }

  /// Stops taking requests (what is under way finishes) until `resume`.
  func pause() {
    queue.requests.withLock { $0.paused = true }
  }

  func resume() {
    queue.requests.withLock { $0.paused = false }
  }

  /// No more requests will come: what is asked is prepared, then the
  /// preparation ends.
  func close() {
    queue.requests.withLock { $0.closed = true }
  }

  /// Waits for the preparation to end (after `close`).
  func finished() async {
    while !queue.requests.withLock({ $0.ended }) { try? await Task.sleep(for: .milliseconds(1)) }
  }

  /// Drops what is not yet prepared: recording failed, and nothing will ask.
  func cancel() {
    queue.requests.withLock { requests in
      requests.functions = []
      requests.variables = false
      requests.closed = true
      requests.paused = false
    }
  }
}
