import Drift
import Foundation

/// krx-base-slide: how far `_text` sits from its link address in each boot,
/// and how many places KASLR could have put it.
enum BaseSlideCheck {
  static let name = "krx-base-slide"
  /// x86-64's `__START_KERNEL_map`, and the 1 GiB the image is randomised in
  /// (KERNEL_IMAGE_SIZE with RANDOMIZE_BASE).
  static let startKernelMap: UInt64 = 0xffff_ffff_8000_0000
  static let window: UInt64 = 1 << 30

  struct Side {
    var offsets: [Int64]
    var moved: Bool
    var aligned: Bool
    var align: UInt64
    /// Where KASLR could put the image.
    var slots: UInt64
    /// The entropy the boots show: the slots' bits when `_text` moves, 0
    /// when it sits still (RANDOMIZE_BASE off, `nokaslr`).
    var bits: Double
    var notes: [String]

    var summary: String {
      let distinct = Set(offsets).count
      return "\(moved ? "moves" : "never moves") (\(distinct) distinct offset\(distinct == 1 ? "" : "s") in \(offsets.count) boots"
        + "\(aligned ? "" : ", some not multiples of PHYSICAL_ALIGN \(Format.hex(align))")); "
        + (moved
          ? String(format: "%.2f bits (%llu slots of %@)", bits, slots, Format.bytes(align))
          : String(format: "0 bits (%llu slots of %@ were it randomised)", slots, Format.bytes(align)))
    }
  }

  static func measure(_ evidence: KRXEvidence) -> Result<Side, Skip> {
    let boots = evidence.layouts.filter { $0.kind == .kallsyms }
    guard boots.count >= 2 else {
      return .failure("needs kallsyms of two or more boots, has \(boots.count)")
    }
    let texts = boots.compactMap { $0.address(of: "_text") }
    guard texts.count == boots.count else { return .failure("a kallsyms sample lacks _text") }
    guard texts.allSatisfy({ $0 >= startKernelMap }) else {
      return .failure("_text lies below x86-64's kernel map (0xffffffff80000000): slots are computed for x86-64 only")
    }
    var notes: [String] = []
    let config = evidence.config
    let align = config?.number("PHYSICAL_ALIGN") ?? X86Kconfig.defaultNumbers["PHYSICAL_ALIGN"]!
    if config?.number("PHYSICAL_ALIGN") == nil {
      // A defconfig leaves options at their Kconfig default, which for
      // x86-64 is 0x200000; a full .config always sets it on x86-64.
      let why =
        switch config {
        case nil: "x86-64's default (no configuration)"
        case let config? where config.isDefconfig: "Kconfig's default (\(config.name) leaves it out)"
        case let config?: "x86-64's default, though \(config.name) does not set it (another architecture's, or cut short?)"
        }
      notes.append("PHYSICAL_ALIGN taken as 0x200000, \(why)")
    }
    // arch/x86/Kconfig: `range 0x200000 0x1000000 if X86_64`.
    guard align >= 0x20_0000, align <= 0x100_0000 else {
      return .failure("has CONFIG_PHYSICAL_ALIGN=\(Format.hex(align)), outside x86-64's Kconfig range 0x200000–0x1000000")
    }
    // The link address: a System.map's _text, else __START_KERNEL_map plus
    // PHYSICAL_START rounded up to PHYSICAL_ALIGN, as the linker places it.
    let link: UInt64
    if let map = evidence.layouts.first(where: { $0.kind == .systemMap })?.address(of: "_text") {
      link = map
    } else {
      let start = min(config?.number("PHYSICAL_START") ?? X86Kconfig.defaultNumbers["PHYSICAL_START"]!, window)
      link = startKernelMap + (start + align - 1) / align * align
    }
    guard link >= startKernelMap, link - startKernelMap < window else {
      return .failure("links _text at \(Format.hex(link)), outside x86-64's kernel map: slots are computed for x86-64 only")
    }
    let offsets = texts.map { Int64(bitPattern: $0 &- link) }
    let sizes = boots.compactMap { sample -> UInt64? in
      guard let end = sample.address(of: "_end"), let text = sample.address(of: "_text"), end > text else { return nil }
      return min(end - text, window)
    }
    let image = sizes.max() ?? 0
    if sizes.isEmpty { notes.append("image size unknown (no _end): slots counted for an empty image") }
    let minimum = link - startKernelMap
    // arch/x86/boot/compressed/kaslr.c: 1 + (KERNEL_IMAGE_SIZE - minimum - image_size) / align.
    let slots = window > minimum + image ? 1 + (window - minimum - image) / align : 1
    let moved = Set(offsets).count > 1
    return .success(
      Side(
        offsets: offsets, moved: moved,
        aligned: offsets.allSatisfy { UInt64(bitPattern: $0) % align == 0 }, align: align, slots: slots,
        bits: moved ? log2(Double(slots)) : 0, notes: notes))
  }

  static func run(base: KRXEvidence, head: KRXEvidence, rules: KRXRules) -> [CheckOutcome] {
    switch (measure(base), measure(head)) {
    case (.failure(let why), _):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: base \(why)", basis: base.layouts.basis)]
    case (_, .failure(let why)):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: head \(why)", basis: head.layouts.basis)]
    case (.success(let old), .success(let new)):
      var problems: [String] = []
      if old.moved, !new.moved { problems.append("head's _text never moves across its boots while base's did") }
      if new.moved, new.bits < old.bits - rules.slideBitsDrop {
        problems.append(String(format: "head's slide entropy fell from %.2f to %.2f bits", old.bits, new.bits))
      }
      let notes = Set(old.notes + new.notes).sorted()
      return [
        CheckOutcome(
          check: name, status: !problems.isEmpty ? .regressed : (old.moved || new.moved ? .held : .unmet),
          baseValue: old.summary, headValue: new.summary,
          threshold: String(format: "head moves if base did; bits drop at most %.2f", rules.slideBitsDrop),
          message: (!problems.isEmpty
            ? problems.joined(separator: "; ")
            : old.moved || new.moved ? "the base slide held" : "_text never moves in base or head: no KASLR on either side")
            + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"),
          basis: "base \(base.layouts.basis); head \(head.layouts.basis)", baseMeasure: old.bits, headMeasure: new.bits)
      ]
    }
  }
}
