import Symbols
import Synchronization

/// Readies a vmlinux's DWARF while the kmaps are read, so that naming and
/// line lookups afterwards find it done: the line tables of the units of
/// the functions the workers meet, as they meet them, and, once a global
/// object appears, every unit's variables (to place globals).
final class DebugInfoPreparation: Sendable {
  /// What the workers have told and the task not yet taken.
  private struct Requests {
    var functions: [Int] = []
    var variables = false
    var closed = false
  }

  private final class Queue: Sendable {
    let requests = Mutex(Requests())
  }

  private let queue = Queue()
  private let task: Task<Void, Never>

  init(_ debugInfo: DebugInfo, table: SymbolTable) {
    let queue = queue
    task = Task.detached {
      var prepared = [Bool](repeating: false, count: table.functions.count)
      var indexedVariables = false
      while !Task.isCancelled {
        let requests = queue.requests.withLock { requests in
          defer { requests.functions = [] }
          return requests
        }
        if requests.variables, !indexedVariables {
          indexedVariables = true
          debugInfo.indexVariables()
        }
        for function in requests.functions where !prepared[function] {
          if Task.isCancelled { return }
          prepared[function] = true
          debugInfo.prepareLines(at: table.functions[function].start)
        }
        guard requests.functions.isEmpty else { continue }
        if requests.closed { return }
        try? await Task.sleep(for: .milliseconds(1))
      }
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

  /// No more requests will come: what is asked is prepared, then the
  /// preparation ends.
  func close() {
    queue.requests.withLock { $0.closed = true }
  }

  /// Waits for the preparation to end (after `close`).
  func finished() async {
    await task.value
  }

  /// Drops what is not yet prepared: recording failed, and nothing will ask.
  func cancel() {
    queue.requests.withLock { $0 = Requests(functions: [], variables: false, closed: true) }
    task.cancel()
  }
}
