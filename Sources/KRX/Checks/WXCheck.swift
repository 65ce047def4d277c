import Drift

/// krx-wx: kernel pages that are writable and executable.
enum WXCheck {
  static let name = "krx-wx"
  static let pageSize: UInt64 = 4096

  struct Side {
    var pages: UInt64
    var bySection: [String: UInt64]
    var authoritative: Bool
    var summary: String {
      let where_ = bySection.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
      return "\(pages) W+X page\(pages == 1 ? "" : "s")" + (where_.isEmpty ? "" : " (\(where_))")
        + (authoritative ? " per the boot log" : " per the page-table dump")
    }
  }

  /// Writable and executable pages outside user mappings, per dump section.
  static func count(_ dump: PageTableDump) -> [String: UInt64] {
    var result: [String: UInt64] = [:]
    for mapping in dump.mappings
    where mapping.present && mapping.writable && mapping.executable && !mapping.user && !mapping.section.contains("User Space") {
      let section = mapping.section.isEmpty ? "(no section)" : mapping.section
      result[section] = result[section, default: 0].saturatingAdd(mapping.size / pageSize)
    }
    return result
  }

  static func measure(_ evidence: KRXEvidence) -> Side? {
    if let log = evidence.bootLog {
      return Side(
        pages: log.pages, bySection: evidence.pageTables.map(count) ?? [:], authoritative: true)
    }
    guard let dump = evidence.pageTables else { return nil }
    let sections = count(dump)
    return Side(pages: sections.values.saturatingSum(), bySection: sections, authoritative: false)
  }

  static func run(base: KRXEvidence, head: KRXEvidence) -> [CheckOutcome] {
    guard let old = measure(base), let new = measure(head) else {
      return [
        CheckOutcome(
          check: name, status: .skipped,
          message: "skipped: no page-table dump or boot log for \(measure(base) == nil ? "base" : "head") (record with --ptdump or --dmesg)")
      ]
    }
    let regressed = new.pages > 0 && new.pages > old.pages
    let estimate =
      old.authoritative && new.authoritative
      ? "" : "; the page-table dump shows lowest-level flags only, so its count is an estimate (the boot log's 'Checked W+X mappings' line, given with --dmesg, is authoritative)"
    return [
      CheckOutcome(
        check: name, status: regressed ? .regressed : .held, baseValue: old.summary, headValue: new.summary,
        threshold: "head has none, or no more than base",
        message: (regressed ? "head has \(new.pages) writable and executable kernel pages, base \(old.pages)" : "no new W+X kernel pages")
          + estimate,
        basis: [old.authoritative || new.authoritative ? "boot log" : nil, base.pageTables != nil || head.pageTables != nil ? "page-table dump" : nil]
          .compactMap { $0 }.joined(separator: " and "), baseMeasure: Double(old.pages), headMeasure: Double(new.pages))
    ]
  }
}
