import ArgumentParser
import Foundation
import Git

extension Capdiff {
  /// `capdiff demo`: the three jobs of DESIGN §1 on the bundled sample.
  struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run capdiff end to end on the bundled sample kernel history.",
      discussion: """
        Builds the sample history of sample/kernel (one folder per commit, laid \
        over the previous tree) into a git repository with libgit2, compiles a \
        vmlinux for each commit with the system C compiler, writes three kmaps \
        and three boots' kallsyms for each commit whose folder has a trace.txt, \
        records the snapshots baselines/ lacks, gates the last commit \
        (a patch with a new cross-component write and a randomisation \
        regression) into reports/demo/, and follows the history v6.1..v6.2 into \
        reports/demo-history/.

        Example (from the repository root):
          capdiff demo
        """)

    @Option(help: "The sample history.")
    var sample = "sample/kernel"

    @Option(help: "Where the sample repository, kernels and kmaps are built: a new or empty folder, or one an earlier demo made, which is emptied first.")
    var work = ".demo"

    @Option(help: "The snapshot store.")
    var store = "baselines"

    @Option(help: "Where the reports go.")
    var reports = "reports"

    static let workload = "demo"
    static let config = "arch/x86/configs/demo_defconfig"
    /// The file that marks a work folder as the demo's own, to empty on the next run.
    static let marker = ".capdiff-demo"

    func run() async throws {
      let steps = try DemoHistory.load(sample)
      guard try Self.prepare(work: work) else {
        Terminal.error(
          "\(work): error: not a folder an earlier demo made (it holds no \(Self.marker)), nor empty: the demo empties its work folder, so give --work a new or empty folder")
        throw ExitCode(1)
      }
      let built = try DemoHistory.build(steps, in: work)
      Terminal.note("demo: built \(built.count) commits in \(work)/linux, a vmlinux and kmaps for each")

      // Record what the store lacks (the patch is the gate's to record).
      for commit in built.dropLast() where commit.step.trace != nil {
        let arguments = [
          "--repo", "\(work)/linux", "--rev", commit.oid.hex, "--store", store, "--workload", Self.workload,
          "--symbols", commit.vmlinux, "--config-path", Self.config,
        ]
        let stored = try DemoHistory.stored(store: store, commit: commit.oid.hex, workload: Self.workload)
        guard !stored else { continue }
        try await Record.parse(arguments + commit.layouts.flatMap { ["--layout", $0] } + commit.kmaps).run()
      }

      let patch = built.last!
      Terminal.note("\ndemo: gating \(patch.oid.abbreviated()) \"\(patch.step.subject)\"")
      let gate = try Gate.parse(
        [
          "--repo", "\(work)/linux", "--rev", patch.oid.hex, "--store", store, "--workload", Self.workload, "--symbols",
          patch.vmlinux, "--config-path", Self.config, "--out", "\(reports)/demo",
        ] + patch.layouts.flatMap { ["--layout", $0] } + patch.kmaps)
      var gateStatus: Int32 = 0
      do {
        try await gate.run()
      } catch let exit as ExitCode {
        gateStatus = exit.rawValue
      }

      Terminal.note("\ndemo: privilege drift over v6.1..v6.2")
      try History.parse([
        "--repo", "\(work)/linux", "--store", store, "--workload", Self.workload, "--out", "\(reports)/demo-history",
        "v6.1..v6.2",
      ]).run()

      Terminal.output(
        """

        The gate exited with \(gateStatus) (8: it fails, as it should: the patch gives EXT4 write access to
        credentials and turns off RANDOMIZE_BASE). Open:
          \(reports)/demo/index.html          the gate's report (also junit.xml, results.sarif, summary.md, findings.json)
          \(reports)/demo-history/index.html  the release review of v6.1..v6.2
        The sample repository is \(work)/linux; its snapshots are in \(store)/.

        """)
    }

    /// Makes `work` an empty folder holding the marker, and false when it is
    /// someone else's: a file, or a folder with files but no marker. The
    /// folder itself stays, so `--work .` never pulls the current directory
    /// away from under the process.
    static func prepare(work: String) throws -> Bool {
      let files = FileManager.default
      var isFolder: ObjCBool = false
      if files.fileExists(atPath: work, isDirectory: &isFolder) {
        guard isFolder.boolValue else { return false }
        let names = try files.contentsOfDirectory(atPath: work)
        guard names.isEmpty || names.contains(marker) else { return false }
        for name in names where name != marker { try files.removeItem(atPath: "\(work)/\(name)") }
      } else {
        try files.createDirectory(atPath: work, withIntermediateDirectories: true)
      }
      try Data("capdiff demo built here; the next 'capdiff demo --work' here empties this folder.\n".utf8)
        .write(to: URL(fileURLWithPath: "\(work)/\(marker)"))
      return true
    }
  }
}
