import Yams

/// A YAML node with its location, read with the checks every policy key
/// needs: expected shapes, known keys, and errors that name file and line.
struct PolicyNode {
  let node: Node
  let file: String
  /// The dotted path of keys leading here, for messages.
  let path: String

  var line: Int { node.mark?.line ?? 0 }
  var column: Int { node.mark?.column ?? 0 }

  func error(_ message: String) -> PolicyError {
    PolicyError(file: file, line: line, column: column, message)
  }

  /// The mapping's values by key, refusing keys not in `allowed`.
  func mapping(allowed: [String]) throws(PolicyError) -> [String: PolicyNode] {
    guard case .mapping(let mapping) = node else {
      throw error("\(path.isEmpty ? "the policy" : "'\(path)'") must be a mapping of keys to values")
    }
    var result: [String: PolicyNode] = [:]
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else { throw PolicyNode(node: key, file: file, path: path).error("keys must be plain names") }
      let name = scalar.string
      let keyNode = PolicyNode(node: key, file: file, path: path)
      guard allowed.contains(name) else {
        let place = path.isEmpty ? "at the top level" : "in '\(path)'"
        throw keyNode.error("unknown key '\(name)' \(place); expected one of: \(allowed.joined(separator: ", "))")
      }
      guard result[name] == nil else { throw keyNode.error("key '\(name)' appears twice") }
      result[name] = PolicyNode(node: value, file: file, path: path.isEmpty ? name : "\(path).\(name)")
    }
    return result
  }

  func sequence() throws(PolicyError) -> [PolicyNode] {
    guard case .sequence(let sequence) = node else { throw error("'\(path)' must be a list") }
    return sequence.enumerated().map { PolicyNode(node: $1, file: file, path: "\(path)[\($0)]") }
  }

  func string() throws(PolicyError) -> String {
    guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
      throw error("'\(path)' must be a non-empty string")
    }
    return scalar.string
  }

  func strings() throws(PolicyError) -> [String] {
    var result: [String] = []
    for item in try sequence() { result.append(try item.string()) }
    return result
  }
}
