import ArgumentParser
import Drift
import KRX
import Policy
import Reports

extension Capdiff {
  /// `capdiff krx`: the kR^X checks on evidence given as files, without snapshots.
  struct KRXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "krx",
      abstract: "Compare kR^X randomisation and memory-protection evidence of two kernels.",
      discussion: """
        Each side's evidence: layout samples (--*-layout, repeatable: /proc/kallsyms \
        of separate boots, or System.map of separate builds), the .config, \
        /proc/cmdline, the x86 page-table dump (/sys/kernel/debug/page_tables/kernel), \
        the boot log for its W+X verdict, and the vmlinux for its section headers. \
        A check whose evidence is missing on either side is skipped and says why. \
        Exit status as for diff: 0 nothing to report, 8 the gate fails, 1 tool error, 2 usage.

        Example:
          capdiff krx --base-layout boot1.kallsyms --base-layout boot2.kallsyms \\
              --base-config config-6.1 --head-layout boot3.kallsyms \\
              --head-layout boot4.kallsyms --head-config config-6.12 --out reports/krx
        """)

    @Option(help: "Base layout sample (repeatable).") var baseLayout: [String] = []
    @Option(help: "Head layout sample (repeatable).") var headLayout: [String] = []
    @Option(help: "Base kernel .config.") var baseConfig: String?
    @Option(help: "Head kernel .config.") var headConfig: String?
    @Option(help: "Base /proc/cmdline.") var baseCmdline: String?
    @Option(help: "Head /proc/cmdline.") var headCmdline: String?
    @Option(help: "Base page-table dump.") var basePtdump: String?
    @Option(help: "Head page-table dump.") var headPtdump: String?
    @Option(help: "Base boot log (dmesg), for its 'Checked W+X mappings' line.") var baseDmesg: String?
    @Option(help: "Head boot log (dmesg).") var headDmesg: String?
    @Option(help: "Base vmlinux, for its section headers.") var baseVmlinux: String?
    @Option(help: "Head vmlinux.") var headVmlinux: String?

    @Option(help: "Policy file (capdiff.yml): its krx section sets thresholds and sensitive symbols.")
    var policy: String?

    @OptionGroup(title: "Reports") var reports: ReportOptions

    @Flag(help: "List every check item, held ones too, with both sides' values.")
    var verbose = false

    func run() throws {
      let rules = try policy.map(PolicyLoader.load)?.krx ?? KRXRules()
      let base = try EvidenceFiles.read(
          layouts: baseLayout, config: baseConfig, cmdline: baseCmdline, ptdump: basePtdump, dmesg: baseDmesg,
          vmlinux: baseVmlinux).evidence
      let head = try EvidenceFiles.read(
          layouts: headLayout, config: headConfig, cmdline: headCmdline, ptdump: headPtdump, dmesg: headDmesg,
          vmlinux: headVmlinux).evidence
      let report = KRXAnalysis.compare(base: base, head: head, rules: rules)
      let side = FindingsDocument.Side(commit: nil, describe: nil, workload: nil, runs: 0)
      let document = FindingsDocument(
        toolVersion: Capdiff.version, base: side, head: side, scheme: nil, granularity: nil, report: nil,
        krxFindings: report.findings, krx: report.outcomes)
      let written = try reports.write {
        ReportInput(
          document: document, base: nil, head: nil, graph: [], subjectComponents: [], sourceURL: reports.sourceURL,
          timestamp: ReportOptions.timestamp, hostname: ReportOptions.hostname)
      }
      Terminal.output(FindingsText.render(document, command: "krx", verbose: verbose, reportPath: written))
      if document.exitStatus != 0 { throw ExitCode(document.exitStatus) }
    }
  }
}
