import Components
import Drift
import KRX
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

  @Test func driftSections() throws {
    let policy = try Policy(
      yaml: """
        gate:
          fail-on-kinds: [new-access, escalation]
          fail-on-severities: [high]
        thresholds:
          growth-ratio: 0.25
          growth-minimum: 3
          min-runs: 2
        sensitive:
          extra-slabs: [my_cache]
        mode: default-deny
        allow:
          - {subject: "NET*", object: "NET*"}
        never:
          - {subject: "*", object: "CREDENTIALS", access: write}
        suppressions:
          - subject: "EXT4*"
            object: "NETWORKING*"
            kind: new-access
            reason: journal buffers
            owner: fs-team
            expires: 2027-03-31
        """, file: "p.yml")
    let drift = policy.drift
    #expect(drift.failKinds == [.newAccess, .escalation])
    #expect(drift.failSeverities == [.high])
    #expect(drift.growthRatio == 0.25)
    #expect(drift.growthMinimum == 3)
    #expect(drift.minRuns == 2)
    #expect(drift.sensitiveSlabs.contains("my_cache") && drift.sensitiveSlabs.contains("cred_jar"))
    #expect(drift.defaultDeny)
    #expect(drift.allow == [AccessRule(subject: Glob("NET*"), object: Glob("NET*"), access: nil, line: 12)])
    #expect(drift.never == [AccessRule(subject: Glob("*"), object: Glob("CREDENTIALS"), access: .write, line: 14)])
    #expect(
      drift.suppressions == [
        Suppression(
          rule: AccessRule(subject: Glob("EXT4*"), object: Glob("NETWORKING*"), access: nil, line: 16), kind: .newAccess,
          reason: "journal buffers", owner: "fs-team", expires: "2027-03-31")
      ])
    #expect(throws: PolicyError(file: "p.yml", line: 1, column: 7, "'mode' must be 'baseline' or 'default-deny', found 'strict'")) {
      try Policy(yaml: "mode: strict\n", file: "p.yml")
    }
    #expect(throws: PolicyError(file: "p.yml", line: 2, column: 49, "'expires' must be a date YYYY-MM-DD, found '31.03.2027'")) {
      try Policy(yaml: "suppressions:\n  - {subject: A, object: B, reason: r, expires: 31.03.2027}\n", file: "p.yml")
    }
    // Shaped like a date, but no day of the calendar.
    for bad in ["2030-13-01", "2026-11-31", "2026-00-00", "2025-02-29"] {
      #expect(throws: PolicyError(file: "p.yml", line: 2, column: 49, "'expires' must be a date YYYY-MM-DD, found '\(bad)'")) {
        try Policy(yaml: "suppressions:\n  - {subject: A, object: B, reason: r, expires: \(bad)}\n", file: "p.yml")
      }
    }
    #expect(try Policy(yaml: "suppressions:\n  - {subject: A, object: B, reason: r, expires: 2028-02-29}\n", file: "p.yml").drift.suppressions.count == 1)
  }

  @Test func krxSection() throws {
    let policy = try Policy(
      yaml: """
        krx:
          fail-on-skipped: true
          thresholds:
            shuffle-drop: 0.05
            slide-bits-drop: 1
          extra-sensitive-symbols: ["__sys_setuid*"]
        """, file: "capdiff.yml")
    #expect(policy.krx.failOnSkipped && policy.krx.failOnRegression)
    #expect(policy.krx.shuffleDrop == 0.05)
    #expect(policy.krx.slideBitsDrop == 1)
    #expect(policy.krx.rigidBlockGrowth == 0.05)
    #expect(policy.krx.sensitiveSymbols.last == Glob("__sys_setuid*"))
    #expect(
      throws: PolicyError(
        file: "p.yml", line: 3, column: 19, "'krx.thresholds.shuffle-drop' must be a number from 0 to 1 (a share: 0.02 is 2 points)")
    ) {
      _ = try Policy(yaml: "krx:\n  thresholds:\n    shuffle-drop: 2\n", file: "p.yml")
    }
  }

  @Test func errorsNameFileLineAndKey() {
    #expect(throws: PolicyError(file: "p.yml", line: 1, column: 1, "unknown key 'component' at the top level; expected one of: components, gate, thresholds, sensitive, suppressions, mode, allow, never, krx")) {
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
