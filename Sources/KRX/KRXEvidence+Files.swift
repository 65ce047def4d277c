import Input
public import Snapshot
import Dispatch
import Symbols

extension KRXEvidence {
  /// Parses recorded evidence files; the last of a kind wins, except layout
  /// samples, which are all kept. Errors name the file and line.
  public init(files: [EvidenceFile]) throws {
    self.init()
    // Layout samples are the bulk (a kallsyms has 150,000 lines and more):
    // parsed side by side; the first bad one, in file order, is reported.
    let samples = files.filter { $0.kind == .layout }
    var parsed = [Result<LayoutSample, any Error>?](repeating: nil, count: samples.count)
    parsed.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let results = buffer
      DispatchQueue.concurrentPerform(iterations: samples.count) { index in
        results[index] = Result { LayoutSample(try SymbolMapFile(bytes: samples[index].bytes, name: samples[index].name)) }
      }
    }
    layouts = try parsed.map { try $0!.get() }
    for file in files {
      switch file.kind {
      case .layout: continue
      case .config: config = try KernelConfig(bytes: file.bytes, name: file.name)
      case .cmdline: commandLine = try KernelCommandLine(bytes: file.bytes, name: file.name)
      case .ptdump: pageTables = try PageTableDump(bytes: file.bytes, name: file.name)
      case .dmesg: bootLog = try WXBootLog(bytes: file.bytes, name: file.name)
      case .sections: sections = try ELFSections(table: file.bytes, name: file.name)
      }
    }
  }
}
