import ArgumentParser
import Foundation

extension Capdiff {
  /// `capdiff demo`: the bundled sample, end to end.
  struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record the bundled sample kmaps and show the snapshot.",
      discussion: """
        Example (from the repository root):
          capdiff demo
        """)

    @Option(help: "The sample folder.")
    var sample = "sample"

    @Option(help: "Where to write the sample snapshot.")
    var out = "reports/demo/sample.capmap"

    func run() async throws {
      try FileManager.default.createDirectory(
        atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      let record = try Record.parse([
        "--symbols", "\(sample)/System.map", "--workload", "boot", "--out", out,
        "\(sample)/run1.kmap", "\(sample)/run2.kmap.gz",
      ])
      try await record.run()
      let show = try Show.parse([out])
      try show.run()
      Terminal.note("\nThe snapshot is \(out); 'capdiff show --format json \(out)' prints it as JSON.")
    }
  }
}
