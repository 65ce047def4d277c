import Foundation
public import Input

/// The MAINTAINERS file of a kernel tree, read as get_maintainer.pl reads it,
/// and the subsystems it gives each path.
public struct Maintainers: Sendable {
  /// One section: a subsystem's name and the patterns that claim files for it.
  public struct Entry: Sendable {
    public var name: String
    /// 1-based line of the section name.
    public var line: Int
    fileprivate var excludes: [FilePattern] = []
  }

  public private(set) var entries: [Entry] = []
  /// Lines that could not be used (reported, then skipped).
  public private(set) var problems: [Diagnostic] = []
  /// Every `F:` pattern, with its section, line and how `Match` names it.
  var files: [(entry: Int, pattern: FilePattern, line: Int, label: String)] = []
  /// `F:` patterns by the literal directory their matches start with and the
  /// byte after it (0 when the literal part ends with the directory): a path
  /// tries only the patterns filed under its own directories and next bytes.
  private var index: [UInt64: [Int]] = [:]
  /// `index` flattened once parsed: a bucket is a range of `candidates`, so
  /// a lookup copies two integers, and candidates are referenced without
  /// retaining them (`files` keeps every pattern alive).
  private var buckets: [UInt64: Range<Int>] = [:]
  private var candidates: [(file: Int, pattern: Unmanaged<FilePattern>)] = []

  /// FNV-1a of the directory's bytes, then the next byte. A collision only
  /// adds candidates: each is still matched in full.
  private static func indexKey(_ directory: some Sequence<UInt8>, next: UInt8) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in directory { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return (hash ^ UInt64(next) ^ 0x5a5a) &* 0x100_0000_01b3
  }
  /// Every `N:` regex, with its section, line and label.
  private var names: [(entry: Int, regex: NamePattern, line: Int, label: String)] = []
  /// `N:` regexes by the first two bytes of the literal every match holds;
  /// those without such a literal are tried on every path.
  private var namesByBigram = [[Int]](repeating: [], count: 1 << 16)
  private var namesAlwaysTried: [Int] = []
  /// The regexes of `names`, referenced without retaining them.
  private var nameRegexes: [Unmanaged<NamePattern>] = []

  /// Parses MAINTAINERS text. `isDirectory` answers whether a path is a
  /// directory of the tree (get_maintainer.pl appends `/` to such patterns).
  public init(text: String, file: String, isDirectory: (String) -> Bool) {
    var sectionName: (name: String, line: Int)?
    var current: Int?
    var lineNumber = 0
    // Split on bytes: splitting a String walks grapheme clusters, ten times slower.
    for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      // A Windows checkout's CRLF would end every pattern in a CR that no path has.
      var line = String(Substring(rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine))
      // The file comes with the patch under review; its names reach terminals and CI logs.
      let escaped = escapingControls(line)
      if escaped != line {
        problems.append(
          Diagnostic(.warning, file: file, line: lineNumber, column: 1, "control characters, shown as \\xNN: \(escaped.prefix(60))"))
        line = escaped
      }
      // get_maintainer.pl's /^([A-Z]):\s*(.*)/: a capital, a colon, the value after white space.
      let utf8 = line.utf8
      guard utf8.count >= 2, let letter = utf8.first, letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "Z"),
        utf8[utf8.index(after: utf8.startIndex)] == UInt8(ascii: ":")
      else {
        // Blank lines and comments are invisible; any other line names the
        // section its following typed lines belong to.
        let firstVisible = line.utf8.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
        if firstVisible == nil || firstVisible == UInt8(ascii: "#") { continue }
        sectionName = (line, lineNumber)
        current = nil
        if line.count >= 2, line.first!.isUppercase, line.dropFirst().first == " " || line.dropFirst().first == "\t" {
          problems.append(
            Diagnostic(.warning, file: file, line: lineNumber, column: 2, "'\(line.prefix(40))' looks like a typed line without its ':'; read as a section name, as get_maintainer.pl does"))
        }
        continue
      }
      guard let name = sectionName else { continue }  // the preamble before the first section
      if current == nil {
        entries.append(Entry(name: name.name, line: name.line))
        current = entries.count - 1
      }
      let type = Character(Unicode.Scalar(letter))
      let value = String(line.dropFirst(2).drop { $0 == " " || $0 == "\t" || $0 == "\r" })
      switch type {
      case "F", "X":
        guard !value.isEmpty else {
          problems.append(Diagnostic(.warning, file: file, line: lineNumber, column: 1, "\(type): line has no pattern (skipped)"))
          continue
        }
        guard let pattern = FilePattern(value, isDirectory: isDirectory) else {
          problems.append(
            Diagnostic(.warning, file: file, line: lineNumber, column: 4, "\(type): pattern '\(value)' is not a valid pattern (skipped)"))
          continue
        }
        if type == "F" {
          files.append((current!, pattern, lineNumber, "F: \(pattern.text)"))
          let directory = Array(pattern.literalDirectory.utf8)
          let next = pattern.literalLength > directory.count ? Array(pattern.text.utf8)[directory.count] : 0
          index[Self.indexKey(directory, next: next), default: []].append(files.count - 1)
        } else {
          entries[current!].excludes.append(pattern)
        }
      case "N":
        guard let regex = NamePattern(value) else {
          problems.append(
            Diagnostic(.warning, file: file, line: lineNumber, column: 4, "N: '\(value)' is not a valid regular expression (skipped)"))
          continue
        }
        names.append((current!, regex, lineNumber, "N: \(regex.text)"))
        if let literal = regex.required {
          namesByBigram[Int(literal[0]) << 8 | Int(literal[1])].append(names.count - 1)
        } else {
          namesAlwaysTried.append(names.count - 1)
        }
      case "M", "R", "L", "S", "W", "Q", "B", "C", "P", "T", "K":
        break
      default:
        problems.append(
          Diagnostic(.warning, file: file, line: lineNumber, column: 1, "unknown entry type '\(type):' (expected one of M R L S W Q B C P T F X N K; skipped)"))
      }
    }
    nameRegexes = names.map { Unmanaged.passUnretained($0.regex) }
    for (key, members) in index {
      buckets[key] = candidates.count..<(candidates.count + members.count)
      candidates += members.map { ($0, Unmanaged.passUnretained(files[$0].pattern)) }
    }
  }

  /// A subsystem get_maintainer.pl lists for a path, with what matched.
  public struct Match: Sendable, Equatable {
    public var subsystem: String
    /// The pattern as written: `F: fs/ext4/` or `N: tegra`.
    public var pattern: String
    /// Line of that pattern in MAINTAINERS (the one to read or edit, rather
    /// than its section's name some lines above).
    public var line: Int
    public var depth: Int
  }

  /// The subsystems of `path`, most specific first, as
  /// `get_maintainer.pl --subsystem -f PATH` lists them.
  ///
  /// get_maintainer.pl ranks by pattern depth alone and leaves equal depths
  /// in Perl's hash order, which changes from run to run. A component must not
  /// change between runs, so ties go to the pattern with the longer literal
  /// part (`drivers/media/i2c/dw9768.c` before `drivers/media/i2c/dw9*`,
  /// `arch/arm/mach-versatile/` before `arch/arm/mach-*/`), then to the
  /// section that comes first in MAINTAINERS.
  public func subsystems(of path: String) -> [Match] {
    let bytes = Array(path.utf8)
    var directoryEnds = [0]
    for i in bytes.indices where bytes[i] == UInt8(ascii: "/") { directoryEnds.append(i + 1) }
    let slashes = directoryEnds.count - 1
    // Per entry, the last matching pattern in file order sets the depth, as
    // get_maintainer.pl overwrites its hash.
    var best: [(entry: Int, line: Int, depth: Int, literal: Int, pattern: String)] = []
    best.reserveCapacity(8)
    func consider(_ entry: Int, line: Int, depth: Int, literal: Int, pattern: String) {
      if let known = best.firstIndex(where: { $0.entry == entry }) {
        if best[known].line < line { best[known] = (entry, line, depth, literal, pattern) }
      } else {
        best.append((entry, line, depth, literal, pattern))
      }
    }
    func tryPatterns(filedUnder key: UInt64) {
      guard let bucket = buckets[key] else { return }
      for candidate in candidates[bucket] {
        let matched = candidate.pattern._withUnsafeGuaranteedRef { $0.matches(bytes, slashes: slashes, text: path) }
        if matched {
          let file = files[candidate.file]
          consider(
            file.entry, line: file.line, depth: file.pattern.depth, literal: file.pattern.literalLength, pattern: file.label)
        }
      }
    }
    // Each directory of the path (the empty one first) and the byte after it.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var hashed = 0
    for end in directoryEnds {
      while hashed < end {
        hash = (hash ^ UInt64(bytes[hashed])) &* 0x100_0000_01b3
        hashed += 1
      }
      tryPatterns(filedUnder: (hash ^ 0x5a5a) &* 0x100_0000_01b3)
      if end < bytes.count { tryPatterns(filedUnder: (hash ^ UInt64(bytes[end]) ^ 0x5a5a) &* 0x100_0000_01b3) }
    }
    var tried = namesAlwaysTried
    if bytes.count >= 2 {
      for i in 0..<(bytes.count - 1) {
        let found = namesByBigram[Int(bytes[i]) << 8 | Int(bytes[i + 1])]
        if !found.isEmpty { tried += found }
      }
    }
    tried.sort()
    var previous = -1
    for index in tried where index != previous {
      previous = index
      if nameRegexes[index]._withUnsafeGuaranteedRef({ $0.matches(path, bytes: bytes) }) {
        let name = names[index]
        consider(name.entry, line: name.line, depth: 0, literal: 0, pattern: name.label)
      }
    }
    best.removeAll { match in
      entries[match.entry].excludes.contains { $0.matches(bytes, slashes: slashes, text: path) }
    }
    best.sort { ($1.depth, $1.literal, $0.entry) < ($0.depth, $0.literal, $1.entry) }
    var seen: [String] = []
    return best.compactMap { match in
      let name = entries[match.entry].name
      guard !seen.contains(name) else { return nil }
      seen.append(name)
      return Match(subsystem: name, pattern: match.pattern, line: match.line, depth: match.depth)
    }
  }
}

/// An `N:` regular expression, matched anywhere in the path with Perl's `/x`.
final class NamePattern: Sendable {
  let text: String
  private let regex: NSRegularExpression
  /// Bytes every match must contain (two or more), to skip the regex on most paths.
  let required: [UInt8]?

  init?(_ text: String) {
    guard let regex = try? NSRegularExpression(pattern: text, options: [.allowCommentsAndWhitespace]) else {
      return nil
    }
    self.text = text
    self.regex = regex
    required = Self.requiredLiteral(text).map { Array($0.utf8) }
  }

  /// `bytes` is `path` as UTF-8, for the substring test.
  func matches(_ path: String, bytes: [UInt8]) -> Bool {
    if let required, !Self.contains(bytes, required) { return false }
    return regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
  }

  private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
    var i = 0
    let last = haystack.count - needle.count
    while i <= last {
      if haystack[i] == first {
        var k = 1
        while k < needle.count, haystack[i + k] == needle[k] { k += 1 }
        if k == needle.count { return true }
      }
      i += 1
    }
    return false
  }

  /// The longest run of plain characters outside groups and sets that no
  /// quantifier makes optional; nil when the regex has alternatives.
  static func requiredLiteral(_ text: String) -> String? {
    let chars = Array(text)
    var depth = 0
    var inSet = false
    var runs: [String] = []
    var run = ""
    var i = 0
    func close() {
      if !run.isEmpty { runs.append(run) }
      run = ""
    }
    while i < chars.count {
      let c = chars[i]
      if inSet {
        if c == "\\" { i += 1 } else if c == "]" { inSet = false }
        i += 1
        continue
      }
      switch c {
      case "|" where depth == 0:
        return nil
      case "(":
        depth += 1
        close()
      case ")":
        depth -= 1
        close()
      case "[":
        inSet = true
        close()
      case "?", "*", "{":
        if !run.isEmpty { run.removeLast() }
        close()
      case "+", ".", "^", "$":
        close()
      case " ", "\t", "\n":
        break  // /x: white space is not part of the pattern
      case "#":
        i = chars.count
        continue
      case "\\":
        if i + 1 < chars.count, !chars[i + 1].isLetter, !chars[i + 1].isNumber, depth == 0 {
          run.append(chars[i + 1])
        } else {
          close()
        }
        i += 1
      default:
        if depth == 0 { run.append(c) }
      }
      i += 1
    }
    close()
    return runs.max { $0.count < $1.count }.flatMap { $0.count >= 2 ? $0 : nil }
  }
}
