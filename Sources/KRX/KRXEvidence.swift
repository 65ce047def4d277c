public import Symbols

/// One kernel's kR^X evidence (DESIGN §4.4); any part may be missing, and the
/// checks that need it then say they were skipped.
public struct KRXEvidence: Sendable {
  public var layouts: [LayoutSample]
  public var config: KernelConfig?
  public var commandLine: KernelCommandLine?
  public var pageTables: PageTableDump?
  /// The boot log's W+X verdict, which outranks the page-table dump's estimate.
  public var bootLog: WXBootLog?
  public var sections: ELFSections?

  public init(
    layouts: [LayoutSample] = [], config: KernelConfig? = nil, commandLine: KernelCommandLine? = nil,
    pageTables: PageTableDump? = nil, bootLog: WXBootLog? = nil, sections: ELFSections? = nil
  ) {
    self.layouts = layouts
    self.config = config
    self.commandLine = commandLine
    self.pageTables = pageTables
    self.bootLog = bootLog
    self.sections = sections
  }
}
