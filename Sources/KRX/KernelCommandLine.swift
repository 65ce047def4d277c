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

  /// `parameter` as the command line writes it (`nokaslr`, or `rodata=off`
  /// matched on name and value, quotes aside), or nil when it is absent.
  /// The kernel reads `-` and `_` alike in parameter names.
  public func written(_ parameter: String) -> String? {
    let wanted = Self.normalized(parameter)
    return parameters.last { Self.normalized($0) == wanted }
  }

  /// The last parameter named `name`, as written: the one the kernel
  /// applies, as it applies them in order.
  public func last(named name: String) -> String? {
    let wanted = Self.split(name).name
    return parameters.last { Self.split($0).name == wanted }
  }

  /// The parameter, as written, that turns boolean parameter `name` off: the
  /// last `name=value`, when kstrtobool reads its value as false (starting
  /// with `0`, `n`, `f` or `of`, in any case: `0`, `n`, `No`, `off`).
  public func turningOff(_ name: String) -> String? {
    guard let last = last(named: name), let value = Self.split(last).value else { return nil }
    let letters = value.lowercased()
    let off = letters.hasPrefix("0") || letters.hasPrefix("n") || letters.hasPrefix("f") || letters.hasPrefix("of")
    return off ? last : nil
  }

  private static func normalized(_ parameter: String) -> String {
    let (name, value) = split(parameter)
    return value.map { "\(name)=\($0)" } ?? name
  }

  /// The name with `-` read as `_`, and the value after the first `=`, quotes aside.
  private static func split(_ parameter: String) -> (name: String, value: Substring?) {
    let text = parameter.filter { $0 != "\"" }
    guard let equals = text.firstIndex(of: "=") else { return (text.replacingOccurrences(of: "-", with: "_"), nil) }
    return (text[..<equals].replacingOccurrences(of: "-", with: "_"), text[text.index(after: equals)...])
  }
}
