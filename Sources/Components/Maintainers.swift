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
    fileprivate var files: [(pattern: FilePattern, line: Int)] = []
    fileprivate var excludes: [FilePattern] = []
    fileprivate var names: [(regex: NamePattern, line: Int)] = []
  }

  public private(set) var entries: [Entry] = []
  /// Lines that could not be used (reported, then skipped).
  public private(set) var problems: [Diagnostic] = []
  /// `F:` patterns by the literal directory their matches start with.
  private var index: [String: [(entry: Int, pattern: Int)]] = [:]

  /// Parses MAINTAINERS text. `isDirectory` answers whether a path is a
  /// directory of the tree (get_maintainer.pl appends `/` to such patterns).
  public init(text: String, file: String, isDirectory: (String) -> Bool) {
    let typed = try! NSRegularExpression(pattern: "^([A-Z]):\\s*(.*)$")
    var sectionName: (name: String, line: Int)?
    var current: Int?
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = String(rawLine)
      let range = NSRange(line.startIndex..., in: line)
      guard let match = typed.firstMatch(in: line, range: range),
        let typeRange = Range(match.range(at: 1), in: line), let valueRange = Range(match.range(at: 2), in: line)
      else {
        // Blank lines and comments are invisible; any other line names the
        // section its following typed lines belong to.
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
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
      let type = line[typeRange]
      let value = String(line[valueRange])
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
          entries[current!].files.append((pattern, lineNumber))
          index[pattern.literalDirectory, default: []].append((current!, entries[current!].files.count - 1))
        } else {
          entries[current!].excludes.append(pattern)
        }
      case "N":
        guard let regex = NamePattern(value) else {
          problems.append(
            Diagnostic(.warning, file: file, line: lineNumber, column: 4, "N: '\(value)' is not a valid regular expression (skipped)"))
          continue
        }
        entries[current!].names.append((regex, lineNumber))
      case "M", "R", "L", "S", "W", "Q", "B", "C", "P", "T", "K":
        break
      default:
        problems.append(
          Diagnostic(.warning, file: file, line: lineNumber, column: 1, "unknown entry type '\(type):' (expected one of M R L S W Q B C P T F X N K; skipped)"))
      }
    }
  }

  /// A subsystem get_maintainer.pl lists for a path, with what matched.
  public struct Match: Sendable, Equatable {
    public var subsystem: String
    /// The pattern as written: `F: fs/ext4/` or `N: tegra`.
    public var pattern: String
    /// Line of the section in MAINTAINERS.
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
    let slashes = bytes.filter { $0 == UInt8(ascii: "/") }.count
    // Per entry, the last matching pattern in file order sets the depth, as
    // get_maintainer.pl overwrites its hash.
    var best: [Int: (line: Int, depth: Int, literal: Int, pattern: String)] = [:]
    func consider(_ entry: Int, line: Int, depth: Int, literal: Int, pattern: String) {
      if let known = best[entry], known.line > line { return }
      best[entry] = (line, depth, literal, pattern)
    }
    var directory = ""
    var candidates: [String] = [""]
    for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
      directory = String(decoding: bytes[0...i], as: UTF8.self)
      candidates.append(directory)
    }
    for prefix in candidates {
      for (entry, patternIndex) in index[prefix] ?? [] {
        let (pattern, line) = entries[entry].files[patternIndex]
        if pattern.matches(bytes, slashes: slashes, text: path) {
          consider(entry, line: line, depth: pattern.depth, literal: pattern.literalLength, pattern: "F: \(pattern.text)")
        }
      }
    }
    for (entryIndex, entry) in entries.enumerated() {
      for (regex, line) in entry.names where regex.matches(path) {
        consider(entryIndex, line: line, depth: 0, literal: 0, pattern: "N: \(regex.text)")
      }
    }
    let excluded = best.keys.filter { entry in
      entries[entry].excludes.contains { $0.matches(bytes, slashes: slashes, text: path) }
    }
    for entry in excluded { best[entry] = nil }
    var seen = Set<String>()
    let ranked = best.sorted {
      ($1.value.depth, $1.value.literal, $0.key) < ($0.value.depth, $0.value.literal, $1.key)
    }
    return ranked.compactMap { entry, match in
      let name = entries[entry].name
      guard seen.insert(name).inserted else { return nil }
      return Match(subsystem: name, pattern: match.pattern, line: entries[entry].line, depth: match.depth)
    }
  }
}

/// An `N:` regular expression, matched anywhere in the path with Perl's `/x`.
struct NamePattern: Sendable {
  let text: String
  private let regex: NSRegularExpression
  /// A substring every match must contain, to skip the regex on most paths.
  private let required: String?

  init?(_ text: String) {
    guard let regex = try? NSRegularExpression(pattern: text, options: [.allowCommentsAndWhitespace]) else {
      return nil
    }
    self.text = text
    self.regex = regex
    required = Self.requiredLiteral(text)
  }

  func matches(_ path: String) -> Bool {
    if let required, !path.contains(required) { return false }
    return regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
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
