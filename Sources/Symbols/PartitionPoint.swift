extension RandomAccessCollection where Index == Int {
  /// The first index whose element `isBefore` rejects, in a collection
  /// ordered so that every element it accepts comes first (a binary search).
  @inline(__always)
  func partitionPoint(_ isBefore: (Element) -> Bool) -> Int {
    var low = startIndex
    var high = endIndex
    while low < high {
      let mid = (low + high) >> 1
      if isBefore(self[mid]) { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
