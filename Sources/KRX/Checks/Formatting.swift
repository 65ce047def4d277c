import Foundation

enum Format {
  /// What a check read, one file per side: `base's and head's X` where both
  /// name the same path (one file at two commits), else both names.
  static func basis(base: String, head: String) -> String {
    base == head ? "\(base) of base and of head" : "\(base) and \(head)"
  }

  /// `41.2%`.
  static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

  /// `3.5 MiB`, `4 KiB`, `512 B`.
  static func bytes(_ count: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(count) B" : String(format: value == value.rounded() ? "%.0f %@" : "%.1f %@", value, units[unit])
  }

  static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

  /// The first few names and how many more.
  static func names(_ names: [String], limit: Int = 8) -> String {
    let shown = names.prefix(limit).joined(separator: ", ")
    return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
  }
}

/// Why a check could not run on one side.
struct Skip: Error, ExpressibleByStringInterpolation, CustomStringConvertible {
  var description: String
  init(stringLiteral value: String) { description = value }
}
