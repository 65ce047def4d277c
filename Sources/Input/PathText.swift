extension String {
  /// The path with `.` components removed and `dir/..` folded, by its text
  /// alone: build paths name files of another machine, never of this one.
  public var lexicallyNormalized: String {
    let absolute = hasPrefix("/")
    var parts: [Substring] = []
    for part in split(separator: "/") {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
        continue
      }
      parts.append(part)
    }
    return (absolute ? "/" : "") + parts.joined(separator: "/")
  }
}
