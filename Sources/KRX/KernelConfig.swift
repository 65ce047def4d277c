public import Input

/// A kernel `.config`: `CONFIG_NAME=value` lines and `# CONFIG_NAME is not
/// set` comments, names kept without the `CONFIG_` prefix.
public struct KernelConfig: Sendable, Equatable {
  public enum Value: Sendable, Equatable, CustomStringConvertible {
    /// `# CONFIG_X is not set`.
    case notSet
    /// `y`, `m`, a number or a quoted string, as written.
    case set(String)

    public var description: String {
      switch self {
      case .notSet: "is not set"
      case .set(let text): text
      }
    }
  }

  /// The file as named in messages.
  public let name: String
  public let values: [String: Value]
  /// The 1-based line that sets each option, in files read from text.
  public let lines: [String: Int]
  /// A defconfig (`make savedefconfig`) rather than a full `.config`: it
  /// leaves out every option at its Kconfig default, so an absent option
  /// may well be on. Kconfig heads every full `.config` with "Automatically
  /// generated file"; a defconfig has no such line.
  public let isDefconfig: Bool
  /// Its path in the kernel tree at the commit, when the tree holds these
  /// very bytes there (read with --config-path): only then can reports
  /// locate findings in the tree.
  public var treePath: String?

  public init(name: String, values: [String: Value], isDefconfig: Bool = false) {
    self.name = name
    self.values = values
    lines = [:]
    self.isDefconfig = isDefconfig
  }

  /// Parses the text of a `.config`; `name` names it in errors.
  public init(bytes: [UInt8], name: String) throws(InputError) {
    var values: [String: Value] = [:]
    var optionLines: [String: Int] = [:]
    var generated = false
    let lines = String(decoding: bytes, as: UTF8.self).textLines()
    for (index, raw) in lines.enumerated() {
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      if trimmed.isEmpty { continue }
      if trimmed.hasPrefix("#") {
        if trimmed.hasPrefix("# Automatically generated file") { generated = true }
        // Only the "is not set" comment carries a value; others are prose.
        let words = trimmed.dropFirst().split(separator: " ")
        if words.count == 4, words[0].hasPrefix("CONFIG_"), words[1...] == ["is", "not", "set"] {
          values[String(words[0].dropFirst(7))] = .notSet
          optionLines[String(words[0].dropFirst(7))] = index + 1
        }
        continue
      }
      guard trimmed.hasPrefix("CONFIG_"), let equals = trimmed.firstIndex(of: "="),
        trimmed.index(trimmed.startIndex, offsetBy: 7) < equals,
        trimmed[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
      else {
        throw InputError(
          .malformedLine, file: name, line: index + 1, column: 1,
          "expected a kernel configuration line 'CONFIG_NAME=value' or '# CONFIG_NAME is not set', found '\(line.prefix(60))'")
      }
      let option = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 7)..<equals])
      let value = String(trimmed[trimmed.index(after: equals)...])
      // A number the checks compare: one they cannot read would pass for "did not rise".
      if Self.numeric.contains(option), Self.parse(number: value, hex: X86Kconfig.hex.contains(option)) == nil {
        throw InputError(
          .malformedLine, file: name, line: index + 1, column: trimmed.distance(from: trimmed.startIndex, to: equals) + 2,
          "CONFIG_\(option): expected \(X86Kconfig.hex.contains(option) ? "a hex number" : "a decimal number") of at most 64 bits, found '\(value.prefix(40))'")
      }
      values[option] = .set(value)
      optionLines[option] = index + 1
    }
    guard !values.isEmpty else {
      throw InputError(.unsupportedFormat, file: name, "holds no CONFIG_ lines: expected a kernel .config")
    }
    self.name = name
    self.values = values
    self.lines = optionLines
    isDefconfig = !generated
  }

  /// The numeric options the checks read.
  static let numeric: Set<String> = X86Kconfig.hex.union(["FG_KASLR_SHIFT"])

  public subscript(option: String) -> Value? { values[option] }

  /// Whether `option` is `y`.
  public func isEnabled(_ option: String) -> Bool { values[option] == .set("y") }

  /// Whether `option` is off: absent, `is not set`, `n` or zero.
  public func isOff(_ option: String) -> Bool {
    switch values[option] {
    case nil, .notSet: true
    case .set(let text): text == "n" || Self.parse(number: text, hex: X86Kconfig.hex.contains(option)) == 0
    }
  }

  /// A numeric option's value: decimal, or `0x` hex; a hex option (the
  /// Kconfig type) is hex with or without `0x`.
  public func number(_ option: String) -> UInt64? {
    guard case .set(let text) = values[option] else { return nil }
    return Self.parse(number: text, hex: X86Kconfig.hex.contains(option))
  }

  private static func parse(number text: String, hex: Bool) -> UInt64? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
    return hex ? UInt64(text, radix: 16) : UInt64(text)
  }

  /// The value as a report shows it: `y`, `is not set`, or `absent`.
  public func display(_ option: String) -> String { values[option]?.description ?? "absent" }
}
