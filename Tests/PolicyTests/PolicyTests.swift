import Components
import Testing

@testable import Policy

@Suite struct PolicyTests {
  @Test func componentSection() throws {
    let policy = try Policy(
      yaml: """
        components:
          scheme: dirs:2
          rules:
            - path: "drivers/gpu/**"
              component: DRM
            - function: "bpf_*"
              component: BPF
          extra-shared-allocators: [my_pool_alloc]
        """, file: "capdiff.yml")
    #expect(policy.scheme == .directories(depth: 2))
    #expect(
      policy.componentRules == [
        ComponentRule(.path(Glob("drivers/gpu/**")), component: "DRM"),
        ComponentRule(.function(Glob("bpf_*")), component: "BPF"),
      ])
    #expect(policy.sharedAllocators == SharedAllocators.defaults + ["my_pool_alloc"])
  }

  @Test func emptyPolicyIsTheDefault() throws {
    let policy = try Policy(yaml: "", file: "capdiff.yml")
    #expect(policy.scheme == nil)
    #expect(policy.sharedAllocators == SharedAllocators.defaults)
  }

  @Test func errorsNameFileLineAndKey() {
    #expect(throws: PolicyError(file: "p.yml", line: 1, column: 1, "unknown key 'component' at the top level; expected one of: components")) {
      try Policy(yaml: "component:\n  scheme: maintainers\n", file: "p.yml")
    }
    #expect(throws: PolicyError(file: "p.yml", line: 2, column: 11, "'components.scheme' must be 'maintainers' or 'dirs:N' (N ≥ 1), found 'dirs:0'")) {
      try Policy(yaml: "components:\n  scheme: dirs:0\n", file: "p.yml")
    }
    #expect(throws: PolicyError(file: "p.yml", line: 3, column: 7, "'components.rules[0]' needs exactly one of 'path' or 'function'")) {
      try Policy(yaml: "components:\n  rules:\n    - component: X\n", file: "p.yml")
    }
    #expect(throws: PolicyError(file: "p.yml", line: 2, column: 22, "'components.shared-allocators' must be a list")) {
      try Policy(yaml: "components:\n  shared-allocators: kstrdup\n", file: "p.yml")
    }
  }
}
