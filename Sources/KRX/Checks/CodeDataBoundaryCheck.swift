import Drift
import Symbols

/// krx-code-data-boundary: data inside the code range and code outside it;
/// on a kR^X build (`__krx_edata` present, code above it and execute-only),
/// anything on the wrong side of `__krx_edata`. Sides are compared category
/// by category, over the categories both have; losing `__krx_edata` is itself
/// a regression.
enum CodeDataBoundaryCheck {
  static let name = "krx-code-data-boundary"
  /// Tables of code addresses that kR^X keeps with the data, below `__krx_edata`.
  static let tables = ["__start___ex_table", "__stop___ex_table", "__start___jump_table", "__stop___jump_table"]

  struct Side {
    var counts: [(String, Int)]
    var examples: [String]
    var hasBoundary: Bool
    var total: Int { counts.reduce(0) { $0 + $1.1 } }
    var summary: String {
      "\(total) misplaced (" + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
        + (examples.isEmpty ? "" : "; e.g. \(Format.names(examples, limit: 5))")
    }
  }

  static func measure(_ evidence: KRXEvidence) -> Result<Side, Skip> {
    // A System.map lists every symbol; a kallsyms lists data only with KALLSYMS_ALL.
    guard let sample = evidence.layouts.first(where: { $0.kind == .systemMap }) ?? evidence.layouts.first else {
      return .failure(
        "has no layout sample to read symbols from (record with --layout, or give capdiff krx --base-layout/--head-layout: a System.map, or a kallsyms of a kernel with KALLSYMS_ALL)"
      )
    }
    guard let range = sample.textRange else { return .failure("has no _text and _etext in \(sample.name)") }
    // `_etext` and the end markers of the last text sections sit at the end.
    let text = range.lowerBound...range.upperBound
    let initStart = sample.address(of: "__init_begin") ?? sample.address(of: "_sinittext")
    let initEnd = sample.address(of: "__init_end") ?? sample.address(of: "_einittext")
    let initRange = initStart.flatMap { start in initEnd.map { start..<max(start, $0) } }
    var counts: [(String, Int)] = [("data in text", 0), ("code outside text and init", 0)]
    var examples: [String] = []
    func note(_ slot: Int, _ name: String) {
      counts[slot].1 += 1
      if examples.count < 5, !examples.contains(name) { examples.append(name) }
    }
    for symbol in sample.symbols {
      if LayoutSample.isData(symbol.type), range.contains(symbol.address) { note(0, symbol.name) }
      if LayoutSample.isText(symbol.type), !text.contains(symbol.address), initRange?.contains(symbol.address) != true {
        note(1, symbol.name)
      }
    }
    if let edata = sample.address(of: "__krx_edata") {
      let end = sample.address(of: "_end") ?? UInt64.max
      counts += [("code below __krx_edata", 0), ("data above __krx_edata", 0), ("tables above __krx_edata", 0)]
      for symbol in sample.symbols where symbol.name != "__krx_edata" {
        if LayoutSample.isText(symbol.type), symbol.address < edata { note(2, symbol.name) }
        if LayoutSample.isData(symbol.type), symbol.address >= edata, symbol.address < end { note(3, symbol.name) }
      }
      for table in tables { if let address = sample.address(of: table), address > edata { note(4, table) } }
    }
    return .success(Side(counts: counts, examples: examples, hasBoundary: counts.count > 2))
  }

  static func run(base: KRXEvidence, head: KRXEvidence) -> [CheckOutcome] {
    switch (measure(base), measure(head)) {
    case (.failure(let why), _): return [CheckOutcome(check: name, status: .skipped, message: "skipped: base \(why)")]
    case (_, .failure(let why)): return [CheckOutcome(check: name, status: .skipped, message: "skipped: head \(why)")]
    case (.success(let old), .success(let new)):
      let lost = old.hasBoundary && !new.hasBoundary
      var problems = lost ? ["head lost __krx_edata, which base had: nothing marks kR^X's boundary between data and code"] : []
      // A total over categories only one side has would weigh unlike things.
      let before = Dictionary(uniqueKeysWithValues: old.counts)
      for (category, count) in new.counts {
        if let was = before[category], count > was { problems.append("\(category) grew from \(was) to \(count)") }
      }
      return [
        CheckOutcome(
          check: name, status: problems.isEmpty ? .held : .regressed, baseValue: old.summary,
          headValue: (lost ? "no __krx_edata; " : "") + new.summary,
          threshold: "no count of misplaced symbols grows (counted where both sides have the category); __krx_edata kept if base has it",
          message: problems.isEmpty ? "the code/data boundary held" : problems.joined(separator: "; "),
          basis: "symbol tables (\(base.layouts.first { $0.kind == .systemMap } != nil ? "System.map" : "kallsyms"))")
      ]
    }
  }
}
