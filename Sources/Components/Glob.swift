/// A path or name glob for policy rules: `*` and `?` stay within one path
/// component, `**` crosses them.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
  public let text: String
  private let bytes: [UInt8]

  public init(_ text: String) {
    self.text = text
    bytes = Array(text.utf8)
  }

  public var description: String { text }

  public func matches(_ candidate: String) -> Bool {
    Self.match(bytes[...], Array(candidate.utf8)[...])
  }

  private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
    guard let first = pattern.first else { return text.isEmpty }
    let rest = pattern.dropFirst()
    if first == UInt8(ascii: "*") {
      let crosses = rest.first == UInt8(ascii: "*")
      let after = crosses ? rest.dropFirst() : rest
      var t = text
      while true {
        if match(after, t) { return true }
        guard let c = t.first, crosses || c != UInt8(ascii: "/") else { return false }
        t = t.dropFirst()
      }
    }
    guard let c = text.first else { return false }
    if first == UInt8(ascii: "?") { return c != UInt8(ascii: "/") && match(rest, text.dropFirst()) }
    return first == c && match(rest, text.dropFirst())
  }
}
