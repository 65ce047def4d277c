/// How source files are grouped into components (DESIGN §2).
public enum ComponentScheme: Sendable, Equatable, CustomStringConvertible {
  /// The MAINTAINERS subsystem of the file at the commit.
  case maintainers
  /// The first `depth` directories of the file's path (`fs/ext4`, `net/ipv4`).
  case directories(depth: Int)

  /// Parses `maintainers` or `dirs:N`.
  public init?(_ text: String) {
    if text == "maintainers" {
      self = .maintainers
      return
    }
    guard text.hasPrefix("dirs:"), let depth = Int(text.dropFirst(5)), depth >= 1 else { return nil }
    self = .directories(depth: depth)
  }

  public var description: String {
    switch self {
    case .maintainers: "maintainers"
    case .directories(let depth): "dirs:\(depth)"
    }
  }

  /// Whether attribution needs the kernel repository.
  public var needsRepository: Bool { self == .maintainers }
}

/// Components that own objects no kernel component meaningfully owns.
public enum PseudoComponent {
  public static let stack = "[stack]"
  public static let untracked = "[untracked]"
  public static let preallocated = "[preallocated]"
  public static let sharedAllocator = "[shared allocator]"
  /// Code or objects whose source file is not known.
  public static let unknown = "[unknown]"

  public static func isPseudo(_ component: String) -> Bool { component.hasPrefix("[") }

  /// What lies between code of `subject` and objects of `owner`.
  public enum Boundary: Sendable, Equatable {
    /// From one component into another.
    case crossed
    case sameComponent
    /// A pseudo-component stands for no owner, so an access to or from one
    /// crosses nothing (DESIGN §2), `[unknown]` to `[unknown]` included.
    case pseudoComponent
  }

  public static func boundary(subject: String, owner: String) -> Boundary {
    if isPseudo(subject) || isPseudo(owner) { return .pseudoComponent }
    return subject == owner ? .sameComponent : .crossed
  }

  public static func crosses(subject: String, owner: String) -> Bool {
    boundary(subject: subject, owner: owner) == .crossed
  }
}

/// Kernel helpers that allocate on behalf of their callers: objects they
/// allocate belong to no component of their own.
public enum SharedAllocators {
  public static let defaults: [String] = [
    "kstrdup", "kstrdup_const", "kstrndup", "kmemdup", "kmemdup_nul", "kvmemdup", "memdup_user",
    "memdup_user_nul", "vmemdup_user", "krealloc", "krealloc_array", "kvrealloc", "kvmalloc_node",
    "kasprintf", "kvasprintf", "kvasprintf_const", "devm_kmalloc", "devm_kmemdup", "devm_kstrdup",
    "devm_kasprintf", "kmalloc_array", "kcalloc", "__kmalloc_node_track_caller", "__kmalloc_track_caller",
  ]
}
