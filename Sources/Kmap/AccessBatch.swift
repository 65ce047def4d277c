/// The access lines waiting to go to the sink: a fixed buffer, so that
/// adding a line is a store, without an array's uniqueness and capacity checks.
struct AccessBatch: ~Copyable {
  static let capacity = 256

  private let storage = UnsafeMutableBufferPointer<KmapAccess>.allocate(capacity: capacity)
  private(set) var count = 0

  deinit { storage.deallocate() }

  var isEmpty: Bool { count == 0 }
  var isFull: Bool { count == Self.capacity }

  @inline(__always)
  mutating func append(_ access: KmapAccess) {
    precondition(count < Self.capacity)
    storage.initializeElement(at: count, to: access)
    count += 1
  }

  /// Lends the lines to `body`, then empties the batch.
  mutating func drain(_ body: (Span<KmapAccess>) -> Void) {
    let lines = UnsafeBufferPointer(rebasing: storage[0..<count])
    body(lines.span)
    _ = UnsafeMutableBufferPointer(rebasing: storage[0..<count]).deinitialize()
    count = 0
  }
}
