/// A command that cannot do its work with what the store or repository
/// holds (no snapshot at a commit, too few for a history): exit status 1,
/// as any input problem, not the usage error that a `ValidationError` is.
struct CommandFailure: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) { self.description = description }
}
