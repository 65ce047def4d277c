internal import CGraphviz

/// The component privilege graph as DOT and as SVG laid out by Graphviz
/// (libgvc, in-process): new edges red, escalations orange, removals dashed,
/// edges to sensitive object sites drawn bold with a ⚠.
public enum GraphRenderer {
  /// Edges beyond these many are left out, and the graph says how many, so
  /// a kernel-sized graph still lays out in a moment and reads: changed
  /// edges first (new, escalations, then removals), then unchanged ones.
  public static let changedLimit = 300
  public static let unchangedLimit = 150

  public static func dot(_ edges: [GraphEdge]) -> String {
    let order: [GraphEdge.Change] = [.new, .escalation, .removed]
    let changed = order.flatMap { change in edges.filter { $0.change == change } }.prefix(changedLimit)
    let shown = Array(changed) + edges.filter { $0.change == .unchanged }.prefix(unchangedLimit)
    var nodes: [String: Int] = [:]
    for edge in shown {
      for name in [edge.subject, edge.owner] where nodes[name] == nil { nodes[name] = nodes.count }
    }
    var out = "digraph privilege {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10, bgcolor=\"transparent\"];\n"
    out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6f8\", color=\"#8a99a8\", fontname=\"Helvetica\", fontsize=10];\n"
    out += "  edge [color=\"#9aa5b1\", fontname=\"Helvetica\", fontsize=9];\n"
    for (name, id) in nodes.sorted(by: { $0.value < $1.value }) {
      out += "  n\(id) [label=\"\(escape(SafeText.truncated(name, 60)))\", tooltip=\"\(escape(name))\"];\n"
    }
    for edge in shown {
      var attributes: [String] = ["label=\"\(edge.access.rawValue)\(edge.sensitive ? " ⚠" : "")\""]
      switch edge.change {
      case .new: attributes += ["color=\"#d62728\"", "fontcolor=\"#d62728\""]
      case .escalation: attributes += ["color=\"#ff7f0e\"", "fontcolor=\"#c25e00\""]
      case .removed: attributes += ["style=dashed"]
      case .unchanged: break
      }
      // As the legend draws them: sensitive widest, then changed edges.
      if edge.sensitive {
        attributes.append("penwidth=4")
      } else if edge.change == .new || edge.change == .escalation {
        attributes.append("penwidth=2")
      }
      attributes.append("tooltip=\"\(escape("\(edge.subject) → \(edge.owner): \(edge.change.rawValue) \(edge.access.rawValue)"))\"")
      out += "  n\(nodes[edge.subject]!) -> n\(nodes[edge.owner]!) [\(attributes.joined(separator: ", "))];\n"
    }
    if shown.count < edges.count {
      let changedLeft = edges.count(where: { $0.change != .unchanged }) - changed.count
      let unchangedLeft = edges.count - shown.count - changedLeft
      out += "  more [shape=plaintext, style=\"\", label=\"\(edges.count - shown.count) more edges not drawn: \(changedLeft) changed, \(unchangedLeft) unchanged\"];\n"
    }
    if shown.isEmpty { out += "  empty [shape=plaintext, style=\"\", label=\"no cross-component edges\"];\n" }
    return out + "}\n"
  }

  /// Lays `dot` out and renders SVG; nil if Graphviz refuses it.
  public static func svg(fromDOT dot: String) -> String? {
    guard let context = gvContext() else { return nil }
    defer { gvFreeContext(context) }
    guard let graph = agmemread(dot) else { return nil }
    defer { agclose(graph) }
    guard gvLayout(context, graph, "dot") == 0 else { return nil }
    defer { gvFreeLayout(context, graph) }
    var data: UnsafeMutablePointer<CChar>?
    var length: UInt32 = 0
    guard gvRenderData(context, graph, "svg", &data, &length) == 0, let data else { return nil }
    defer { gvFreeRenderData(data) }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: Int(length)), as: UTF8.self)
  }

  /// The SVG element alone, for inlining in HTML (no XML declaration or doctype).
  static func inline(_ svg: String) -> String {
    guard let start = svg.range(of: "<svg") else { return svg }
    return String(svg[start.lowerBound...])
  }

  /// A DOT double-quoted string's content.
  private static func escape(_ text: String) -> String {
    var result = ""
    for character in SafeText.clean(text) {
      switch character {
      case "\\": result += "\\\\"
      case "\"": result += "\\\""
      case "\n", "\r": result += " "
      default: result.append(character)
      }
    }
    return result
  }
}
