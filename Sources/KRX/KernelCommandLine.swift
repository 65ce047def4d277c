public import Input
import Foundation

/// A kernel command line (`/proc/cmdline`): parameters split as the kernel
/// splits them, on spaces outside double quotes.
public struct KernelCommandLine: Sendable, Equatable {
  public let name: String
  public let parameters: [String]

  public init(bytes: [UInt8], name: String) throws(InputError) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard !text.contains("\0") else {
      throw InputError(.unsupportedFormat, file: name, "holds NUL bytes: expected the text of /proc/cmdline")
    }
    let lines = text.split(whereSeparator: \.isNewline)
    guard lines.count <= 1 else {
      throw InputError(
        .malformedLine, file: name, line: 2, column: 1,
        "expected one line (the text of /proc/cmdline), found a second: '\(lines[1].prefix(60))'")
    }
    var parameters: [String] = []
    var current = ""
    var quoted = false
    for character in lines.first ?? "" {
      if character == "\"" { quoted.toggle() }
      if (character == " " || character == "\t") && !quoted {
        if !current.isEmpty { parameters.append(current) }
        current = ""
      } else {
        current.append(character)
      }
    }
    if !current.isEmpty { parameters.append(current) }
    self.name = name
    self.parameters = parameters
  }

  /// Whether the command line holds `parameter` (`nokaslr`, or `rodata=off`
  /// matched on name and value, quotes aside).
  /// The kernel reads `-` and `_` alike in parameter names.
  public func contains(_ parameter: String) -> Bool {
    let wanted = Self.normalized(parameter)
    return parameters.contains { Self.normalized($0) == wanted }
  }

  private static func normalized(_ parameter: String) -> String {
    let text = parameter.filter { $0 != "\"" }
    guard let equals = text.firstIndex(of: "=") else { return text.replacingOccurrences(of: "-", with: "_") }
    return text[..<equals].replacingOccurrences(of: "-", with: "_") + text[equals...]
  }
}
