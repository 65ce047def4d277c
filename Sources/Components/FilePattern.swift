import Foundation

/// An `F:` or `X:` pattern of MAINTAINERS, matched as get_maintainer.pl does.
///
/// get_maintainer.pl turns `.` into `\.`, `*` into `.*` and `?` into `.`,
/// appends `/` when the pattern names a directory of the tree, and then
/// matches the result as a regular expression anchored at the start of the
/// path (not at its end). A pattern without a trailing `/` matches only paths
/// with as many `/` as itself: `drivers/net/*` takes `drivers/net/foo.c` but
/// not `drivers/net/eth/bar.c`.
final class FilePattern: Sendable {
  /// The pattern as written in MAINTAINERS.
  let text: String
  /// The pattern after get_maintainer.pl's conversion.
  let converted: String
  let trailingSlash: Bool
  let slashes: Int
  /// The rank get_maintainer.pl gives a match: deeper patterns win.
  let depth: Int
  /// The literal directory every matching path starts with, for indexing.
  let literalDirectory: String
  /// Characters before the first wildcard: how specific the pattern is.
  let literalLength: Int
  /// Glob patterns as the literal bytes up to the first wildcard, compared
  /// at once, and the tokens from there on; nil for other regular expressions.
  private let prefix: [UInt8]
  private let tokens: [Token]?
  private let regex: NSRegularExpression?

  private enum Token: Sendable {
    case literal(UInt8)
    case any
    case star
    case set(ByteSet, negated: Bool)
  }

  /// A set of bytes as a 256-bit map: membership without hashing.
  struct ByteSet: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func insert(_ byte: UInt8) {
      let bit = UInt64(1) << UInt64(byte & 63)
      switch byte >> 6 {
      case 0: words.0 |= bit
      case 1: words.1 |= bit
      case 2: words.2 |= bit
      default: words.3 |= bit
      }
    }

    func contains(_ byte: UInt8) -> Bool {
      let bit = UInt64(1) << UInt64(byte & 63)
      switch byte >> 6 {
      case 0: return words.0 & bit != 0
      case 1: return words.1 & bit != 0
      case 2: return words.2 & bit != 0
      default: return words.3 & bit != 0
      }
    }
  }

  /// nil when the pattern cannot be compiled (reported by the caller).
  init?(_ text: String, isDirectory: (String) -> Bool) {
    self.text = text
    var converted = ""
    for c in text.unicodeScalars {
      switch c {
      case ".": converted += "\\."
      case "*": converted += ".*"
      case "?": converted += "."
      default: converted.unicodeScalars.append(c)
      }
    }
    // Perl's `-d` tests the converted string, so only plain names qualify.
    if !converted.hasSuffix("/"), !converted.contains("\\"), !converted.contains("*"),
      !converted.contains("."), isDirectory(converted)
    {
      converted += "/"
    }
    self.converted = converted
    trailingSlash = converted.hasSuffix("/")
    slashes = converted.utf8.filter { $0 == UInt8(ascii: "/") }.count
    var depth = slashes + (trailingSlash ? 0 : 1)
    if converted.hasPrefix(".*") { depth = -1 }
    self.depth = depth
    let special = Set("*?[](){}+|^$\\".utf8)
    let literal = text.utf8.prefix { !special.contains($0) }
    let literalText = String(decoding: literal, as: UTF8.self)
    literalLength = literal.count
    literalDirectory = literalText.lastIndex(of: "/").map { String(literalText[...$0]) } ?? ""
    let addedSlash = trailingSlash && !text.hasSuffix("/")
    if let tokens = Self.tokenize(Array(text.utf8) + (addedSlash ? [UInt8(ascii: "/")] : [])) {
      var prefix: [UInt8] = []
      for token in tokens {
        guard case .literal(let byte) = token else { break }
        prefix.append(byte)
      }
      self.prefix = prefix
      self.tokens = Array(tokens.dropFirst(prefix.count))
      regex = nil
    } else {
      guard let compiled = try? NSRegularExpression(pattern: "^(?:" + converted + ")") else { return nil }
      prefix = []
      tokens = nil
      regex = compiled
    }
  }

  /// Whether `path` (tree-relative) matches, slash rule included.
  func matches(_ path: [UInt8], slashes pathSlashes: Int, text pathText: String) -> Bool {
    if !trailingSlash, pathSlashes != slashes { return false }
    if let tokens {
      guard path.count >= prefix.count else { return false }
      if !prefix.isEmpty {
        let equal = prefix.withUnsafeBytes { wanted in
          path.withUnsafeBytes { memcmp(wanted.baseAddress!, $0.baseAddress!, wanted.count) == 0 }
        }
        guard equal else { return false }
      }
      return tokens.isEmpty || Self.matchPrefix(tokens[...], path[prefix.count...])
    }
    guard let regex else { return false }
    let range = NSRange(pathText.startIndex..., in: pathText)
    return regex.firstMatch(in: pathText, options: [.anchored], range: range) != nil
  }

  /// Glob tokens for patterns made of literals, `*`, `?` and `[…]` sets;
  /// nil when the pattern holds other regular-expression syntax.
  private static func tokenize(_ bytes: [UInt8]) -> [Token]? {
    var tokens: [Token] = []
    var i = 0
    while i < bytes.count {
      let c = bytes[i]
      switch c {
      case UInt8(ascii: "*"): tokens.append(.star)
      case UInt8(ascii: "?"): tokens.append(.any)
      case UInt8(ascii: "["):
        var j = i + 1
        var negated = false
        if j < bytes.count, bytes[j] == UInt8(ascii: "^") {
          negated = true
          j += 1
        }
        var members = ByteSet()
        var first = true
        while j < bytes.count, bytes[j] != UInt8(ascii: "]") || first {
          first = false
          if j + 2 < bytes.count, bytes[j + 1] == UInt8(ascii: "-"), bytes[j + 2] != UInt8(ascii: "]") {
            guard bytes[j] <= bytes[j + 2] else { return nil }
            for m in bytes[j]...bytes[j + 2] { members.insert(m) }
            j += 3
          } else {
            members.insert(bytes[j])
            j += 1
          }
        }
        guard j < bytes.count else { return nil }
        tokens.append(.set(members, negated: negated))
        i = j
      case UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"),
        UInt8(ascii: "+"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "\\"):
        return nil
      default: tokens.append(.literal(c))
      }
      i += 1
    }
    return tokens
  }

  /// Whether the tokens match some prefix of `path` (`*` and `?` match `/` too).
  private static func matchPrefix(_ tokens: ArraySlice<Token>, _ path: ArraySlice<UInt8>) -> Bool {
    var t = tokens.startIndex
    var p = path.startIndex
    var starToken = -1
    var starPath = 0
    while true {
      if t == tokens.endIndex { return true }
      if case .star = tokens[t] {
        starToken = t
        starPath = p
        t += 1
        continue
      }
      if p < path.endIndex, accepts(tokens[t], path[p]) {
        t += 1
        p += 1
        continue
      }
      guard starToken >= 0, starPath < path.endIndex else { return false }
      starPath += 1
      p = starPath
      t = starToken + 1
    }
  }

  private static func accepts(_ token: Token, _ byte: UInt8) -> Bool {
    switch token {
    case .literal(let c): c == byte
    case .any: true
    case .star: true
    case .set(let members, let negated): members.contains(byte) != negated
    }
  }
}
