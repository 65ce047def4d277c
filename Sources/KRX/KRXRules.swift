public import Components

/// Thresholds and lists of the kR^X checks; the policy file's `krx` section.
public struct KRXRules: Sendable {
  /// krx-base-slide: head's entropy may fall this many bits below base's.
  public var slideBitsDrop = 0.5
  /// krx-function-shuffle: the moving share may drop this much (0.02: 2 points).
  public var shuffleDrop = 0.02
  /// krx-rigid-block: the largest rigid block's share may grow this much.
  public var rigidBlockGrowth = 0.05
  /// krx-text-coverage: the separately randomisable share may drop this much.
  public var textCoverageDrop = 0.02
  /// Symbols whose joining the largest rigid block is a regression.
  public var sensitiveSymbols: [Glob] = [
    "commit_creds", "prepare_kernel_cred", "swapgs_restore_regs_and_return_to_usermode", "native_write_cr4",
    "__x64_sys_*",
  ].map(Glob.init)
  /// Whether regressions fail the gate.
  public var failOnRegression = true
  /// Whether a check skipped for missing evidence fails the gate.
  public var failOnSkipped = false

  public init() {}
}
