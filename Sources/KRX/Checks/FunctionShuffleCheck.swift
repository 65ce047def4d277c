import Drift

/// krx-function-shuffle: the share of functions whose offset from `_text`
/// changes across samples (FG-KASLR at boot, or diversified builds).
enum FunctionShuffleCheck {
  static let name = "krx-function-shuffle"

  struct Side {
    var names: Set<String>
    var moving: Set<String>
    var functions: Int { names.count }
    var share: Double { functions == 0 ? 0 : Double(moving.count) / Double(functions) }
    var summary: String { "\(Format.percent(share)) of \(functions) functions move" }
  }

  static func measure(_ evidence: KRXEvidence, _ layout: FunctionLayout?) -> Result<Side, Skip> {
    guard evidence.layouts.count >= 2 else { return .failure("needs two or more layout samples, has \(evidence.layouts.count)") }
    guard let layout else {
      return .failure("has a layout sample without _text, _etext or code symbols")
    }
    return .success(Side(names: Set(layout.names), moving: Set(layout.names.indices.filter(layout.moves).map { layout.names[$0] })))
  }

  static func run(
    base: KRXEvidence, head: KRXEvidence, layouts: (FunctionLayout?, FunctionLayout?), rules: KRXRules
  ) -> [CheckOutcome] {
    switch (measure(base, layouts.0), measure(head, layouts.1)) {
    case (.failure(let why), _):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: base \(why)", basis: base.layouts.basis)]
    case (_, .failure(let why)):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: head \(why)", basis: head.layouts.basis)]
    case (.success(let old), .success(let new)):
      // Functions that moved in base and are still there, fixed, in head.
      let pinned = old.moving.subtracting(new.moving).intersection(new.names).sorted()
      var problems: [String] = []
      if old.share - new.share > rules.shuffleDrop {
        problems.append("the moving share fell from \(Format.percent(old.share)) to \(Format.percent(new.share))")
      }
      if !pinned.isEmpty {
        problems.append("\(pinned.count) function\(pinned.count == 1 ? "" : "s") moved in base and stay fixed in head: \(Format.names(pinned))")
      }
      return [
        CheckOutcome(
          check: name, status: !problems.isEmpty ? .regressed : (old.moving.isEmpty && new.moving.isEmpty ? .unmet : .held),
          baseValue: old.summary, headValue: new.summary,
          threshold: "share drops at most \(Format.percent(rules.shuffleDrop)); no function stops moving",
          message: !problems.isEmpty
            ? problems.joined(separator: "; ")
            : old.moving.isEmpty && new.moving.isEmpty
              ? "no function moves apart from the rest in base or head: no function shuffling on either side"
              : "function shuffling held",
          basis: "base \(base.layouts.basis); head \(head.layouts.basis)", baseMeasure: old.share, headMeasure: new.share)
      ]
    }
  }
}
