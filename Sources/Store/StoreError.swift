/// A store that cannot do what was asked: a bad workload name, a missing
/// snapshot, a kmap recorded twice.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
  public var store: String
  public var message: String

  public init(store: String, _ message: String) {
    self.store = store
    self.message = message
  }

  public var description: String { "\(store): error: \(message)" }
}
