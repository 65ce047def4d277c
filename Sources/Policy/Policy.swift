public import Components
import Yams

/// The policy file (`capdiff.yml`): the component scheme and its rules, and
/// the shared-allocator list.
public struct Policy: Sendable {
  /// The scheme the policy asks for; a command-line `--scheme` wins.
  public var scheme: ComponentScheme?
  public var componentRules: [ComponentRule] = []
  public var sharedAllocators: [String] = SharedAllocators.defaults

  public init() {}

  /// Parses policy YAML; `file` names it in errors.
  public init(yaml: String, file: String) throws(PolicyError) {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw PolicyError(file: file, line: 0, column: 0, "is not valid YAML: \(error)")
    } catch {
      throw PolicyError(file: file, line: 0, column: 0, "is not valid YAML: \(error)")
    }
    guard let root else { return }  // an empty policy
    let top = try PolicyNode(node: root, file: file, path: "").mapping(allowed: ["components"])
    if let components = top["components"] {
      let keys = try components.mapping(allowed: ["scheme", "rules", "shared-allocators", "extra-shared-allocators"])
      if let node = keys["scheme"] {
        let text = try node.string()
        guard let scheme = ComponentScheme(text) else {
          throw node.error("'components.scheme' must be 'maintainers' or 'dirs:N' (N ≥ 1), found '\(text)'")
        }
        self.scheme = scheme
      }
      for rule in try keys["rules"]?.sequence() ?? [] {
        let fields = try rule.mapping(allowed: ["path", "function", "component"])
        guard let component = fields["component"] else { throw rule.error("'\(rule.path)' needs a 'component'") }
        let name = try component.string()
        switch (fields["path"], fields["function"]) {
        case (let path?, nil): componentRules.append(ComponentRule(.path(Glob(try path.string())), component: name))
        case (nil, let function?):
          componentRules.append(ComponentRule(.function(Glob(try function.string())), component: name))
        default: throw rule.error("'\(rule.path)' needs exactly one of 'path' or 'function'")
        }
      }
      if let list = keys["shared-allocators"] { sharedAllocators = try list.strings() }
      if let extra = keys["extra-shared-allocators"] { sharedAllocators += try extra.strings() }
    }
  }
}
