import Drift

/// krx-image-permissions: within the high kernel mapping, executable bytes
/// outside `[_text, _etext)` and writable bytes inside it. The text range
/// comes from the kallsyms sample of the dump's boot. The dump does not say
/// which boot it is, and KASLR's 2 MiB slots put another boot's text inside
/// this one's image as often as not: of the samples whose text the dump
/// maps, the one its permissions fit best is taken (the newest on a tie,
/// as merged runs keep their oldest sample first and the dump is the
/// newest run's).
enum ImagePermissionsCheck {
  static let name = "krx-image-permissions"
  static let section = "High Kernel Mapping"
  /// Page rounding the kernel may leave at the text edges: a 2 MiB page
  /// outside, a 4 KiB page inside.
  static let largePage: UInt64 = 2 << 20
  static let smallPage: UInt64 = 4096

  struct Side {
    var executableOutside: UInt64
    var writableInside: UInt64
    var summary: String {
      "\(Format.bytes(executableOutside)) executable outside the text, \(Format.bytes(writableInside)) writable inside it"
    }
  }

  static func measure(_ evidence: KRXEvidence) -> Result<Side, Skip> {
    guard let dump = evidence.pageTables else { return .failure("has no page-table dump (record with --ptdump)") }
    let boots = evidence.layouts.compactMap { sample in
      sample.kind == .kallsyms ? sample.textRange.map { (name: sample.name, text: $0) } : nil
    }
    guard !boots.isEmpty else { return .failure("has no kallsyms sample with _text and _etext for the dump's boot") }
    let image = dump.mappings.filter { $0.section == section && $0.present }
    // Every byte, not _text alone: a boot slid by 2 MiB has its _text inside this boot's image.
    func mapped(_ text: Range<UInt64>) -> Bool {
      var next = text.lowerBound
      while let mapping = image.first(where: { $0.contains(next) }) {
        if mapping.end == 0 || mapping.end >= text.upperBound { return true }
        next = mapping.end
      }
      return false
    }
    let candidates = boots.filter { mapped($0.text) }
    guard !candidates.isEmpty else {
      let found = boots.map { "\(Format.hex($0.text.lowerBound)) in \($0.name)" }
      return .failure(
        "has no kallsyms sample whose _text.._etext lies inside the dump's \(section) (_text at \(Format.names(found))): give the kallsyms of the dump's boot")
    }
    let sides = candidates.map { measure(image, text: $0.text) }
    let fit = { (side: Side) in side.executableOutside.saturatingAdd(side.writableInside) }
    return .success(sides.reversed().min { fit($0) < fit($1) }!)
  }

  /// The image's permissions against one boot's text.
  static func measure(_ image: [PageTableDump.Mapping], text: Range<UInt64>) -> Side {
    // Rounded outwards to 2 MiB and inwards to 4 KiB, without overflowing at the top of the address space.
    func roundUp(_ value: UInt64, _ step: UInt64) -> UInt64 { value > UInt64.max - step ? value : (value + step - 1) / step * step }
    let outer = (text.lowerBound / largePage * largePage)..<roundUp(text.upperBound, largePage)
    let innerStart = roundUp(text.lowerBound, smallPage)
    let inner = innerStart..<max(innerStart, text.upperBound / smallPage * smallPage)
    var side = Side(executableOutside: 0, writableInside: 0)
    for mapping in image {
      if mapping.executable {
        side.executableOutside = side.executableOutside.saturatingAdd(mapping.size - mapping.overlap(with: outer))
      }
      if mapping.writable { side.writableInside = side.writableInside.saturatingAdd(mapping.overlap(with: inner)) }
    }
    return side
  }

  static func run(base: KRXEvidence, head: KRXEvidence) -> [CheckOutcome] {
    switch (measure(base), measure(head)) {
    case (.failure(let why), _): return [CheckOutcome(check: name, status: .skipped, message: "skipped: base \(why)")]
    case (_, .failure(let why)): return [CheckOutcome(check: name, status: .skipped, message: "skipped: head \(why)")]
    case (.success(let old), .success(let new)):
      var problems: [String] = []
      if new.executableOutside > old.executableOutside {
        problems.append("executable bytes outside the text grew from \(Format.bytes(old.executableOutside)) to \(Format.bytes(new.executableOutside))")
      }
      if new.writableInside > old.writableInside {
        problems.append("writable bytes inside the text grew from \(Format.bytes(old.writableInside)) to \(Format.bytes(new.writableInside))")
      }
      return [
        CheckOutcome(
          check: name, status: problems.isEmpty ? .held : .regressed, baseValue: old.summary, headValue: new.summary,
          threshold: "no growth beyond page rounding (2 MiB outside, 4 KiB inside)",
          message: problems.isEmpty ? "the image's permissions held" : problems.joined(separator: "; "),
          basis: "page-table dump and the kallsyms sample of its boot")
      ]
    }
  }
}
