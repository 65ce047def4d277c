extension UInt64 {
  /// `self + other`, held at `UInt64.max` rather than trapping: evidence
  /// with overlapping or absurd ranges can claim more than 2^64 bytes in
  /// all, and a check reports that as the most there can be.
  func saturatingAdd(_ other: UInt64) -> UInt64 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? .max : sum
  }
}

extension Sequence<UInt64> {
  func saturatingSum() -> UInt64 { reduce(0) { $0.saturatingAdd($1) } }
}
