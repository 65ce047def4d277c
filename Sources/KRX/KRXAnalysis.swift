import Dispatch
public import Drift

/// The kR^X checks of one comparison.
public struct KRXReport: Sendable {
  /// Every check's conclusion: held, regressed or skipped.
  public var outcomes: [CheckOutcome]
  /// The regressions (and, when the policy says so, the skips) as findings.
  public var findings: [Finding]
}

/// Compares base and head kR^X evidence (DESIGN §6.3).
public enum KRXAnalysis {
  public static func compare(base: KRXEvidence, head: KRXEvidence, rules: KRXRules = KRXRules()) -> KRXReport {
    // Both layout checks follow the same functions: found once per side,
    // the two sides side by side.
    var pair: [FunctionLayout?] = [nil, nil]
    pair.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let results = buffer
      DispatchQueue.concurrentPerform(iterations: 2) { side in
        results[side] = FunctionLayout(side == 0 ? base.layouts : head.layouts)
      }
    }
    let layouts = (pair[0], pair[1])
    var outcomes =
      ConfigCheck.run(base: base.config, head: head.config)
      + CommandLineCheck.run(base: base.commandLine, head: head.commandLine)
      + BaseSlideCheck.run(base: base, head: head, rules: rules)
      + FunctionShuffleCheck.run(base: base, head: head, layouts: layouts, rules: rules)
      + RigidBlockCheck.run(base: base, head: head, layouts: layouts, rules: rules)
      + TextCoverageCheck.run(base: base.sections, head: head.sections, rules: rules)
      + WXCheck.run(base: base, head: head)
      + ImagePermissionsCheck.run(base: base, head: head)
      + CodeDataBoundaryCheck.run(base: base, head: head)
    for index in outcomes.indices {
      outcomes[index].failsGate =
        outcomes[index].status == .regressed ? rules.failOnRegression : outcomes[index].status == .skipped && rules.failOnSkipped
    }
    let findings = outcomes.compactMap { outcome -> Finding? in
      switch outcome.status {
      case .held, .unmet: return nil
      case .regressed:
        return Finding.krx(
          check: outcome.check, item: outcome.item, severity: .high, failsGate: rules.failOnRegression,
          baseValue: outcome.baseValue ?? "", headValue: outcome.headValue ?? "", threshold: outcome.threshold,
          message: outcome.message, file: outcome.file, line: outcome.line)
      case .skipped:
        guard rules.failOnSkipped else { return nil }
        return Finding.krx(
          check: outcome.check, item: "skipped", severity: .medium, failsGate: true, baseValue: outcome.baseValue ?? "",
          headValue: outcome.headValue ?? "", threshold: nil, message: outcome.message + " (the policy fails skipped checks)")
      }
    }
    return KRXReport(outcomes: outcomes, findings: findings)
  }
}
