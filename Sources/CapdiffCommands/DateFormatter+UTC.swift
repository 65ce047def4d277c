import Foundation

extension DateFormatter {
  /// A formatter for `format` that writes the same text on every machine:
  /// POSIX locale, Gregorian calendar and UTC, whatever the user's settings,
  /// as dates compared as text (suppression expiry) and report timestamps need.
  static func utc(_ format: String) -> DateFormatter {
    let formatter = DateFormatter()
    // The locale first: setting it would reset the calendar chosen after it.
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.calendar = Calendar(identifier: .gregorian)
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = format
    return formatter
  }
}
