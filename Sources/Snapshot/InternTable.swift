/// Gives each distinct value a number in the order first seen, then sorts
/// them: the snapshot lists subjects and sites sorted, while edges are
/// gathered by first-seen numbers.
struct InternTable<Value: Hashable & PrefixOrdered> {
  private var numbers: [Value: Int] = [:]
  private var values: [Value] = []

  /// Makes room for `count` more values: growing rehashes every value seen
  /// so far, strings and all.
  mutating func reserveCapacity(adding count: Int) {
    numbers.reserveCapacity(values.count + count)
    values.reserveCapacity(values.count + count)
  }

  /// The value's number, new ones numbered from the count so far.
  mutating func number(of value: Value) -> Int {
    if let known = numbers[value] { return known }
    let new = values.count
    numbers[value] = new
    values.append(value)
    return new
  }

  /// The values sorted, and for each first-seen number its place among them.
  ///
  /// Numbers are sorted rather than the values: a value holds strings, and
  /// moving it retains and releases each. Values are compared only where
  /// their prefixes tie.
  func sorted() -> (values: [Value], place: [UInt32]) {
    let order = values.sortedPositions(prefix: \.orderPrefix, by: <)
    var place = [UInt32](repeating: 0, count: values.count)
    for (new, old) in order.enumerated() { place[old] = UInt32(new) }
    return (order.map { values[$0] }, place)
  }
}
