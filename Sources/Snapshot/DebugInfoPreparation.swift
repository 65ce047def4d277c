import Symbols
import Synchronization

/// Readies a vmlinux's DWARF while the kmaps are read, so that naming and
/// line lookups afterwards find it done: the variables of every unit (to
/// place globals), then the line tables of the units of the functions the
/// workers meet, as they meet them.
final class DebugInfoPreparation: Sendable {
  /// Functions met and not yet taken, and whether more may come.
  private final class Queue: Sendable {
    let state = Mutex<(functions: [Int], closed: Bool)>(([], false))
  }

  private let queue = Queue()
  private let task: Task<Void, Never>

  init(_ debugInfo: DebugInfo, table: SymbolTable) {
    let queue = queue
    task = Task.detached {
      debugInfo.indexVariables()
      var prepared = [Bool](repeating: false, count: table.functions.count)
      while true {
        let (functions, closed) = queue.state.withLock { state in
          defer { state.functions = [] }
          return (state.functions, state.closed)
        }
        for function in functions where !prepared[function] {
          prepared[function] = true
          debugInfo.prepareLines(at: table.functions[function].start)
        }
        guard functions.isEmpty else { continue }
        if closed { return }
        try? await Task.sleep(for: .milliseconds(1))
      }
    }
  }

  /// Functions (indexes into the symbol table) some worker met first.
  func met(_ functions: [Int]) {
    queue.state.withLock { $0.functions += functions }
  }

  /// No more functions will come: what is queued is prepared, then the
  /// preparation ends.
  func close() {
    queue.state.withLock { $0.closed = true }
  }

  /// Waits for the preparation to end (after `close`).
  func finished() async {
    await task.value
  }
}
