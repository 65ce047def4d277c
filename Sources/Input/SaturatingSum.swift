extension UInt64 {
  /// `self + other`, held at `UInt64.max` rather than wrapping or trapping:
  /// access counts summed over runs, or evidence with overlapping or absurd
  /// ranges, can claim more than 2^64 in all, and the most there can be is
  /// the honest answer (a wrapped sum could turn a write into none).
  @inlinable
  public func saturatingAdd(_ other: UInt64) -> UInt64 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? .max : sum
  }
}

extension Sequence<UInt64> {
  public func saturatingSum() -> UInt64 { reduce(0) { $0.saturatingAdd($1) } }
}
