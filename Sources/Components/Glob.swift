/// A path or name glob for policy rules: `*` and `?` stay within one path
/// component, `**` crosses them.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
  public let text: String
  private let tokens: [Token]

  private enum Token: Sendable, Equatable {
    case byte(UInt8)
    /// `?`: one byte other than `/`.
    case one
    /// `*`: any bytes but `/`.
    case star
    /// `**` (or a longer run of stars): any bytes.
    case any
  }

  public init(_ text: String) {
    self.text = text
    var tokens: [Token] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "*") {
        var run = 0
        while i < bytes.count, bytes[i] == UInt8(ascii: "*") {
          run += 1
          i += 1
        }
        tokens.append(run == 1 ? .star : .any)
        continue
      }
      tokens.append(bytes[i] == UInt8(ascii: "?") ? .one : .byte(bytes[i]))
      i += 1
    }
    self.tokens = tokens
  }

  public var description: String { text }

  /// Matched by dynamic programming over (token, byte) rather than by
  /// backtracking, which takes exponential time on patterns of many stars.
  public func matches(_ candidate: String) -> Bool {
    let text = Array(candidate.utf8)
    let slash = UInt8(ascii: "/")
    // after[j]: whether the tokens from the one after the current match text[j...].
    var after = [Bool](repeating: false, count: text.count + 1)
    after[text.count] = true
    var current = after
    for token in tokens.reversed() {
      current[text.count] = token == .star || token == .any ? after[text.count] : false
      for j in stride(from: text.count - 1, through: 0, by: -1) {
        switch token {
        case .byte(let c): current[j] = text[j] == c && after[j + 1]
        case .one: current[j] = text[j] != slash && after[j + 1]
        case .star: current[j] = after[j] || (text[j] != slash && current[j + 1])
        case .any: current[j] = after[j] || current[j + 1]
        }
      }
      swap(&after, &current)
    }
    return after[0]
  }
}
