/// An edge of the component privilege graph, by its two ends.
public struct ComponentEdge: Hashable, Sendable {
  public var subject: String
  public var owner: String

  public init(subject: String, owner: String) {
    self.subject = subject
    self.owner = owner
  }
}
