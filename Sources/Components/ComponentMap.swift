/// A policy rule that names the component of matching paths or functions,
/// before (and instead of) the scheme.
public struct ComponentRule: Sendable, Equatable {
  public enum Subject: Sendable, Equatable {
    case path(Glob)
    case function(Glob)
  }

  public var subject: Subject
  public var component: String

  public init(_ subject: Subject, component: String) {
    self.subject = subject
    self.component = component
  }
}

/// Why a path belongs to its component.
public struct Attribution: Sendable, Equatable, Encodable {
  public var path: String
  public var component: String
  /// Other subsystems get_maintainer.pl lists, in its order.
  public var secondary: [String]
  /// What matched: `F: fs/ext4/`, `N: tegra`, `dirs:2`, `rule path: drivers/**`.
  public var pattern: String?
  /// Line of the MAINTAINERS pattern or policy rule, when there is one.
  public var line: Int?

  public init(path: String, component: String, secondary: [String] = [], pattern: String?, line: Int? = nil) {
    self.path = path
    self.component = component
    self.secondary = secondary
    self.pattern = pattern
    self.line = line
  }
}

/// Attributes source paths (and functions) to components with one scheme,
/// the policy's rules first.
public struct ComponentMap: Sendable {
  public let scheme: ComponentScheme
  private let maintainers: Maintainers?
  private let rules: [ComponentRule]
  public let sharedAllocators: Set<String>

  /// `maintainers` is required for the `.maintainers` scheme.
  public init(
    scheme: ComponentScheme, maintainers: Maintainers?, rules: [ComponentRule] = [],
    sharedAllocators: [String] = SharedAllocators.defaults
  ) {
    self.scheme = scheme
    self.maintainers = maintainers
    self.rules = rules
    self.sharedAllocators = Set(sharedAllocators)
  }

  /// The component of a function whose source file is not known (recorded
  /// with a System.map): only a policy rule on functions can place it.
  public func component(ofFunction function: String) -> String {
    matchingRule(path: nil, function: function)?.component ?? PseudoComponent.unknown
  }

  /// The first policy rule, in the file's order, that places `path` or `function`.
  private func matchingRule(path: String?, function: String?) -> (component: String, pattern: String)? {
    for rule in rules {
      switch rule.subject {
      case .path(let glob) where path.map(glob.matches) == true: return (rule.component, "rule path: \(glob)")
      case .function(let glob) where function.map(glob.matches) == true: return (rule.component, "rule function: \(glob)")
      default: continue
      }
    }
    return nil
  }

  /// The component of the source file `path`, and why.
  public func attribute(path: String, function: String? = nil) -> Attribution {
    if let (component, pattern) = matchingRule(path: path, function: function) {
      return Attribution(path: path, component: component, pattern: pattern)
    }
    switch scheme {
    case .directories(let depth):
      return Attribution(path: path, component: Self.directory(of: path, depth: depth), pattern: "dirs:\(depth)")
    case .maintainers:
      let matches = maintainers?.subsystems(of: path) ?? []
      guard let first = matches.first else {
        return Attribution(path: path, component: PseudoComponent.unknown, pattern: nil)
      }
      return Attribution(
        path: path, component: first.subsystem, secondary: matches.dropFirst().map(\.subsystem),
        pattern: first.pattern, line: first.line)
    }
  }

  /// The first `depth` directories of `path` (`fs/ext4` for
  /// `fs/ext4/inode.c` at depth 2); runs of slashes count as one. Scans bytes:
  /// a snapshot has tens of thousands of paths to attribute.
  static func directory(of path: String, depth: Int) -> String {
    let bytes = path.utf8
    var segmentStart: String.Index?
    var parts: [Substring] = []
    for index in bytes.indices {
      if bytes[index] == UInt8(ascii: "/") {
        if let start = segmentStart, parts.count < depth { parts.append(path[start..<index]) }
        segmentStart = nil
      } else if segmentStart == nil {
        segmentStart = index
      }
    }
    return parts.isEmpty ? "(top level)" : parts.joined(separator: "/")
  }
}
