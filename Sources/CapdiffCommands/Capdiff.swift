public import ArgumentParser
#if canImport(Glibc)
  import Glibc
#endif
import Git
import Input
import Policy
import Snapshot
import Store

/// The `capdiff` command: CAPMAP snapshots of kernel privilege, and their drift.
public struct Capdiff: AsyncParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "capdiff",
    abstract: "Record and review which kernel code touches which kernel objects (Memorizer CAPMAPs).",
    discussion: """
      Exit status, a bitmask: 0 nothing to report, 1 tool error (bad input, I/O, repository), 2 usage error; \
      diff, gate and krx add 4 for findings that do not fail the gate and 8 when the gate fails.
      """,
    version: version,
    subcommands: [Record.self, Show.self, Diff.self, Gate.self, History.self, KRXCommand.self, BaselineCommand.self, StoreCommand.self, ComponentsCommand.self, Demo.self]
  )

  public init() {}

  /// Runs the command line and exits with DESIGN's status bitmask: 1 for a
  /// tool error, 2 for a usage error.
  public static func runAndExit() async -> Never {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      Glibc.exit(0)
    } catch let error as ExitCode {
      Glibc.exit(error.rawValue)
    } catch {
      // The libraries' own errors already read `file:line: error: …`.
      if error is InputError || error is SnapshotError || error is GitError || error is StoreError
        || error is PolicyError
      {
        Terminal.error("\(error)")
        Glibc.exit(1)
      }
      let code = exitCode(for: error)
      if code == .success {
        // --help and --version.
        Self.exit(withError: error)
      }
      if code == .validationFailure {
        Terminal.error(fullMessage(for: error))
        Glibc.exit(2)
      }
      Terminal.error("error: " + ((error as? CommandFailure)?.description ?? fullMessage(for: error)))
      Glibc.exit(1)
    }
  }
}
