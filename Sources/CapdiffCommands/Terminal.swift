#if canImport(Glibc)
  import Glibc
#endif
import Input

/// Writing to the terminal: diagnostics to standard error, colour only when
/// it is a terminal.
enum Terminal {
  static let errorIsTerminal = isatty(2) != 0
  static let outputIsTerminal = isatty(1) != 0

  /// Messages quote inputs (a policy's YAML, a page-table dump, a file's
  /// name), which may come with the patch under review: their terminal
  /// controls are shown as `\xNN`, line by line.
  static func error(_ text: String) {
    write(shown(text), to: 2)
  }

  static func diagnostic(_ diagnostic: Diagnostic) {
    var text = shown(diagnostic.description)
    if errorIsTerminal {
      text = text.replacingFirst(": warning: ", with: ": \u{1B}[35mwarning:\u{1B}[0m ")
    }
    write(text, to: 2)
  }

  static func note(_ text: String) { write(text, to: 2) }

  private static func shown(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { escapingControls(String($0)) }.joined(separator: "\n")
  }

  static func output(_ text: String) { write(text, to: 1) }

  /// Writes whole lines straight to the descriptor: no stdio buffer to lose on exit.
  private static func write(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return }
      offset += n
    }
  }
}

extension String {
  func replacingFirst(_ target: String, with replacement: String) -> String {
    guard let range = range(of: target) else { return self }
    return replacingCharacters(in: range, with: replacement)
  }
}
