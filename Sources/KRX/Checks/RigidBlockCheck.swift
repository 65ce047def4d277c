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

  static func measure(_ evidence: KRXEvidence, rules: KRXRules) -> Result<Side, Skip> {
    guard evidence.layouts.count >= 3 else {
      return .failure("needs three or more layout samples to tell a rigid block from chance, has \(evidence.layouts.count)")
    }
    guard let layout = FunctionLayout(evidence.layouts) else {
      return .failure("has a layout sample without _text, _etext or code symbols")
    }
    // Functions with equal vectors of displacements (address in sample i
    // minus address in the first) keep their mutual offsets in every sample.
    var blocks: [[UInt64]: (bytes: UInt64, members: [Int])] = [:]
    var total: UInt64 = 0
    for index in layout.names.indices {
      let key = layout.addresses.dropFirst().map { $0[index] &- layout.addresses[0][index] }
      blocks[key, default: (0, [])].bytes += layout.sizes[index]
      blocks[key, default: (0, [])].members.append(index)
      total += layout.sizes[index]
    }
    // Ties go to the block whose first function sorts first, so the answer
    // never depends on hashing order.
    guard
      let largest = blocks.values.max(by: {
        ($0.bytes, $0.members.count, $1.members[0]) < ($1.bytes, $1.members.count, $0.members[0])
      }), total > 0
    else {
      return .failure("has no functions common to all samples")
    }
    let names = largest.members.map { layout.names[$0] }
    return .success(
      Side(
        share: Double(largest.bytes) / Double(total), functions: names.count, bytes: largest.bytes,
        sensitive: Set(names.filter { name in rules.sensitiveSymbols.contains { $0.matches(name) } })))
  }

  static func run(base: KRXEvidence, head: KRXEvidence, rules: KRXRules) -> [CheckOutcome] {
    switch (measure(base, rules: rules), measure(head, rules: rules)) {
    case (.failure(let why), _):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: base \(why)", basis: base.layouts.basis)]
    case (_, .failure(let why)):
      return [CheckOutcome(check: name, status: .skipped, message: "skipped: head \(why)", basis: head.layouts.basis)]
    case (.success(let old), .success(let new)):
      var problems: [String] = []
      if new.share - old.share > rules.rigidBlockGrowth {
        problems.append("the largest rigid block grew from \(Format.percent(old.share)) to \(Format.percent(new.share)) of text")
      }
      let joined = new.sensitive.subtracting(old.sensitive).sorted()
      if !joined.isEmpty { problems.append("sensitive symbols joined it: \(Format.names(joined))") }
      return [
        CheckOutcome(
          check: name, status: problems.isEmpty ? .held : .regressed, baseValue: old.summary, headValue: new.summary,
          threshold: "grows at most \(Format.percent(rules.rigidBlockGrowth)) of text; no sensitive symbol joins",
          message: problems.isEmpty ? "no larger rigid block" : problems.joined(separator: "; "),
          basis: "base \(base.layouts.basis); head \(head.layouts.basis)")
      ]
    }
  }
}
