import Foundation

/// Text from inputs (symbols, files, comms, component names) made safe for
/// every report: characters XML 1.0 forbids and other control characters
/// become U+FFFD, so no format breaks whatever a symbol holds.
enum SafeText {
  static func clean(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars { result.append(isUnsafe(scalar) ? "\u{FFFD}" : scalar) }
    return String(result)
  }

  /// XML 1.0 allows tab, newline, carriage return, U+0020–U+D7FF,
  /// U+E000–U+FFFD and above; C1 controls are allowed but never meant.
  private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD: false
    case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
    default: false
    }
  }

  /// At most `limit` characters, with an ellipsis.
  static func truncated(_ text: String, _ limit: Int) -> String {
    text.count > limit ? String(text.prefix(limit)) + "…" : text
  }
}

/// Percent-encoding for paths in URIs (SARIF artifact locations, source links).
enum URIPath {
  static let allowed: CharacterSet = {
    var set = CharacterSet.alphanumerics
    set.insert(charactersIn: "-._~/")
    return set
  }()

  static func encode(_ path: String) -> String {
    SafeText.clean(path).addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
  }
}
