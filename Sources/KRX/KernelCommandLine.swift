public import Input
import Foundation

/// A kernel command line (`/proc/cmdline`): parameters split as the kernel
/// splits them, on spaces outside double quotes, up to `--`, after which
/// parse_args hands the rest to init.
public struct KernelCommandLine: Sendable, Equatable {
  public let name: String
  /// The kernel's parameters, in order; what follows `--` is left out.
  public let parameters: [String]

  /// How one parameter bears on a protection.
  public enum Effect: Sendable, Equatable {
    case weakens
    case keeps
  }

  public init(bytes: [UInt8], name: String) throws(InputError) {
    // x86's COMMAND_LINE_SIZE is 2048, other architectures' at most a few KiB.
    guard bytes.count <= 1 << 16 else {
      throw InputError(
        .unsupportedFormat, file: name,
        "is \(bytes.count) bytes: expected the text of /proc/cmdline, which the kernel caps at COMMAND_LINE_SIZE (2048 bytes on x86)")
    }
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
    self.parameters = Array(parameters.prefix { $0.filter { $0 != "\"" } != "--" })
  }

  /// The parameter, as written, that decides a protection, and how: the
  /// kernel applies parameters in order, so the last one `effect` reads
  /// decides. `effect` gets the name (`-` read as `_`) and the value
  /// (quotes aside), and returns nil where the kernel ignores the parameter
  /// for it: another name, or a value its handler rejects.
  public func deciding(_ effect: (_ name: String, _ value: Substring?) -> Effect?) -> (parameter: String, effect: Effect)? {
    for parameter in parameters.reversed() {
      let (name, value) = Self.split(parameter)
      if let found = effect(name, value) { return (parameter, found) }
    }
    return nil
  }

  /// The kernel's kstrtobool: `y`, `t`, `1`, `on` true; `n`, `f`, `0`, `off`
  /// false, by their first letters, in any case; nil for anything else,
  /// no value included.
  public static func kstrtobool(_ value: Substring?) -> Bool? {
    guard let first = value?.first?.lowercased() else { return nil }
    switch first {
    case "y", "t", "1": return true
    case "n", "f", "0": return false
    case "o":
      switch value!.dropFirst().first?.lowercased() {
      case "n": return true
      case "f": return false
      default: return nil
      }
    default: return nil
    }
  }

  /// The name with `-` read as `_`, and the value after the first `=`, quotes aside.
  private static func split(_ parameter: String) -> (name: String, value: Substring?) {
    let text = parameter.filter { $0 != "\"" }
    guard let equals = text.firstIndex(of: "=") else { return (text.replacingOccurrences(of: "-", with: "_"), nil) }
    return (text[..<equals].replacingOccurrences(of: "-", with: "_"), text[text.index(after: equals)...])
  }
}
