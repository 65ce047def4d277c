internal import CGit2

/// A failed libgit2 call, with libgit2's own message and what was asked.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case notFound
    case ambiguous
    case notARepository
    /// The question needs history a shallow clone does not have.
    case shallow
    case other
  }

  public var kind: Kind
  /// The repository's path.
  public var repository: String
  public var message: String

  public init(_ kind: Kind, repository: String, _ message: String) {
    self.kind = kind
    self.repository = repository
    self.message = message
  }

  public var description: String { "\(repository): error: \(message)" }
}

/// Throws `GitError` if a libgit2 call failed; call it right after that call,
/// since libgit2 keeps its last error per thread.
func gitCheck(_ code: Int32, _ call: StaticString, repository: String, context: @autoclosure () -> String)
  throws(GitError)
{
  guard code < 0 else { return }
  throw gitError(code, call, repository: repository, context: context())
}

func gitError(_ code: Int32, _ call: StaticString, repository: String, context: String) -> GitError {
  let text = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "libgit2 gave no message"
  let kind: GitError.Kind
  switch code {
  case GIT_ENOTFOUND.rawValue: kind = .notFound
  case GIT_EAMBIGUOUS.rawValue: kind = .ambiguous
  default: kind = .other
  }
  return GitError(kind, repository: repository, "\(context): \(text) (\(call))")
}
