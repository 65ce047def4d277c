import Drift

/// krx-rigid-block: functions whose mutual offsets never change across
/// samples move as one block, so one leaked pointer reveals all of them.
/// The largest such block, as a share of text bytes, and the sensitive
/// symbols inside it.
enum RigidBlockCheck {
  static let name = "krx-rigid-block"

  struct Side {
    var share: Double
    var functions: Int
    var bytes: UInt64
    var sensitive: Set<String>
    var summary: String {
      "largest rigid block \(Format.percent(share)) of text (\(functions) functions, \(Format.bytes(bytes)))"
        + (sensitive.isEmpty ? "" : "; holds \(Format.names(sensitive.sorted()))")
    }
  }

  static func measure(_ evidence: KRXEvidence, _ layout: FunctionLayout?, rules: KRXRules) -> Result<Side, Skip> {
    guard evidence.layouts.count >= 3 else {
      return .failure("needs three or more layout samples to tell a rigid block from chance, has \(evidence.layouts.count)")
    }
    guard let layout else {
      return .failure("has a layout sample without _text, _etext or code symbols")
    }
    // Functions with equal vectors of displacements (address in sample i
    // minus address in the first) keep their mutual offsets in every
    // sample. Sorting by that vector puts each block in one run; among
    // runs of equal bytes the first in layout order wins, so the answer
    // never depends on hashing.
    let samples = layout.addresses.indices.dropFirst()
    func displacement(_ index: Int, _ sample: Int) -> UInt64 { layout.addresses[sample][index] &- layout.addresses[0][index] }
    let order = layout.names.indices.sorted { a, b in
      for sample in samples where displacement(a, sample) != displacement(b, sample) {
        return displacement(a, sample) < displacement(b, sample)
      }
      return a < b
    }
    let total = layout.sizes.reduce(0, +)
    var largest: (bytes: UInt64, members: ArraySlice<Int>) = (0, [])
    var start = 0
    while start < order.count {
      var end = start + 1
      while end < order.count, samples.allSatisfy({ displacement(order[end], $0) == displacement(order[start], $0) }) { end += 1 }
      let run = order[start..<end]
      let bytes = run.reduce(0) { $0 + layout.sizes[$1] }
      if (bytes, run.count, -run.first!) > (largest.bytes, largest.members.count, -(largest.members.first ?? Int.max)) {
        largest = (bytes, run)
      }
      start = end
    }
    guard total > 0, !largest.members.isEmpty else {
      return .failure("has no functions common to all samples")
    }
    let names = largest.members.map { layout.names[$0] }
    return .success(
      Side(
        share: Double(largest.bytes) / Double(total), functions: names.count, bytes: largest.bytes,
        sensitive: Set(names.filter { name in rules.sensitiveSymbols.contains { $0.matches(name) } })))
  }

  static func run(
    base: KRXEvidence, head: KRXEvidence, layouts: (FunctionLayout?, FunctionLayout?), rules: KRXRules
  ) -> [CheckOutcome] {
    switch (measure(base, layouts.0, rules: rules), measure(head, layouts.1, rules: rules)) {
    case (.failure(let why), _):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: base \(why)", basis: base.layouts.basis)]
    case (_, .failure(let why)):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: head \(why)", basis: head.layouts.basis)]
    case (.success(let old), .success(let new)):
      var problems: [String] = []
      if new.share - old.share > rules.rigidBlockGrowth {
        problems.append("the largest rigid block grew from \(Format.percent(old.share)) to \(Format.percent(new.share)) of text")
      }
      // Only symbols base has too: a function new in head joins nothing.
      let baseNames = Set(layouts.0?.names ?? [])
      let joined = new.sensitive.subtracting(old.sensitive).filter(baseNames.contains).sorted()
      if !joined.isEmpty { problems.append("sensitive symbols joined it: \(Format.names(joined))") }
      let whole = old.share >= 1 && new.share >= 1
      return [
        CheckOutcome(
          check: name, status: !problems.isEmpty ? .regressed : (whole ? .unmet : .held), baseValue: old.summary,
          headValue: new.summary,
          threshold: "grows at most \(Format.percent(rules.rigidBlockGrowth)) of text; no sensitive symbol joins",
          message: !problems.isEmpty
            ? problems.joined(separator: "; ")
            : whole ? "the whole text is one rigid block in base and head: it moves as one on either side" : "no larger rigid block",
          basis: "base \(base.layouts.basis); head \(head.layouts.basis)", baseMeasure: old.share, headMeasure: new.share)
      ]
    }
  }
}
