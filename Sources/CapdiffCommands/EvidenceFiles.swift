import ArgumentParser
import Git
import Input
import KRX
import Snapshot
import Symbols

/// Reads kR^X evidence files as given on the command line into the form a
/// snapshot keeps, and parses them, so bad input is refused at once.
enum EvidenceFiles {
  static func read(
    layouts: [String], config: String?, cmdline: String?, ptdump: String?, dmesg: String?, vmlinux: String?,
    configAtCommit: (path: String, repository: Repository, commit: OID)? = nil
  ) throws -> (files: [EvidenceFile], evidence: KRXEvidence) {
    func file(_ kind: EvidenceFile.Kind, _ path: String) throws -> EvidenceFile {
      let input = try InputFile(path: path)
      let bytes = try input.readAll()
      guard bytes.count <= EvidenceFile.maximumSize else {
        throw InputError(
          .refusedInput, file: input.name,
          "holds \(bytes.count) bytes: a snapshot keeps its kR^X evidence, up to \(EvidenceFile.maximumSize) bytes a file (a kallsyms or .config is a few MB)")
      }
      return EvidenceFile(kind: kind, name: input.name, bytes: bytes)
    }
    var files = try layouts.map { try file(.layout, $0) }
    if let config { files.append(try file(.config, config)) }
    if let (path, repository, commit) = configAtCommit {
      guard let bytes = try repository.file(path, at: commit) else {
        throw InputError(.io, file: path, "is not in the tree at \(commit.abbreviated()): give a path such as arch/x86/configs/x86_64_defconfig")
      }
      // Named by its path in the tree, as reports locate findings there.
      files.append(EvidenceFile(kind: .config, name: path, bytes: bytes))
    }
    if let cmdline { files.append(try file(.cmdline, cmdline)) }
    if let ptdump { files.append(try file(.ptdump, ptdump)) }
    if let dmesg { files.append(try file(.dmesg, dmesg)) }
    if let vmlinux {
      let sections = try ELFSections(path: vmlinux)
      files.append(EvidenceFile(kind: .sections, name: "\(vmlinux) (section headers)", bytes: sections.table))
    }
    return (files, try KRXEvidence(files: files))
  }
}

/// `record`'s kR^X evidence options (DESIGN §4.4).
struct EvidenceOptions: ParsableArguments {
  @Option(
    name: .customLong("layout"),
    help: "A layout sample: /proc/kallsyms of one boot or System.map of one build (repeatable; samples add up over runs).")
  var layouts: [String] = []

  @Option(help: "The kernel .config.")
  var config: String?

  @Option(help: "The kernel .config read from this path in the tree at --rev (libgit2).")
  var configPath: String?

  @Option(help: "The kernel command line (/proc/cmdline).")
  var cmdline: String?

  @Option(help: "The x86 page-table dump (/sys/kernel/debug/page_tables/kernel).")
  var ptdump: String?

  @Option(help: "The boot log (dmesg), for its 'Checked W+X mappings' line.")
  var dmesg: String?

  /// The options given, as spelled on the command line.
  var given: [String] {
    [
      ("--layout", !layouts.isEmpty), ("--config", config != nil), ("--config-path", configPath != nil),
      ("--cmdline", cmdline != nil), ("--ptdump", ptdump != nil), ("--dmesg", dmesg != nil),
    ].filter(\.1).map(\.0)
  }

  func validate() throws {
    if config != nil, configPath != nil { throw ValidationError("Give --config or --config-path, not both.") }
  }
}
