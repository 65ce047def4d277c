public import Input
public import Snapshot
import Symbols

extension KRXEvidence {
  /// Parses recorded evidence files; the last of a kind wins, except layout
  /// samples, which are all kept. Errors name the file and line.
  public init(files: [EvidenceFile]) throws {
    self.init()
    for file in files {
      switch file.kind {
      case .layout: layouts.append(LayoutSample(try SymbolMapFile(bytes: file.bytes, name: file.name)))
      case .config: config = try KernelConfig(bytes: file.bytes, name: file.name)
      case .cmdline: commandLine = try KernelCommandLine(bytes: file.bytes, name: file.name)
      case .ptdump: pageTables = try PageTableDump(bytes: file.bytes, name: file.name)
      case .dmesg: bootLog = try WXBootLog(bytes: file.bytes, name: file.name)
      case .sections: sections = try ELFSections(table: file.bytes, name: file.name)
      }
    }
  }
}
