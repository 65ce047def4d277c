// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target, so no module is checked less.
let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A C library reached through pkg-config, with the Debian package that provides it.
func systemLibrary(_ name: String, pkgConfig: String, apt: [String]) -> Target {
  .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt(apt)])
}

let package = Package(
  name: "capdiff",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "capdiff", targets: ["capdiff"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
  ],
  targets: [
    // C libraries, each behind a thin shim.
    systemLibrary("CZlib", pkgConfig: "zlib", apt: ["zlib1g-dev"]),
    systemLibrary("CZstd", pkgConfig: "libzstd", apt: ["libzstd-dev"]),
    systemLibrary("CDW", pkgConfig: "libdw", apt: ["libdw-dev", "libelf-dev"]),
    systemLibrary("CGit2", pkgConfig: "libgit2", apt: ["libgit2-dev"]),
    systemLibrary("CLibXML2", pkgConfig: "libxml-2.0", apt: ["libxml2-dev"]),
    systemLibrary("CGraphviz", pkgConfig: "libgvc", apt: ["libgraphviz-dev"]),
    systemLibrary("CXXHash", pkgConfig: "libxxhash", apt: ["libxxhash-dev"]),
    .target(name: "CPrefetch"),

    // Pipeline stages.
    .target(
      name: "Input", dependencies: ["CZlib", "CZstd", "CXXHash"], swiftSettings: swiftSettings),
    .target(
      name: "Kmap", dependencies: ["Input"], swiftSettings: swiftSettings),
    .target(
      name: "Symbols", dependencies: ["Input", "CDW"], swiftSettings: swiftSettings),
    .target(
      name: "Git", dependencies: ["CGit2"], swiftSettings: swiftSettings),
    .target(
      name: "Components", dependencies: ["Input", "Git"], swiftSettings: swiftSettings),
    .target(
      name: "Policy", dependencies: ["Components", "Drift", "Graph", "KRX", .product(name: "Yams", package: "Yams")],
      swiftSettings: swiftSettings),
    .target(
      name: "Snapshot", dependencies: ["Input", "Kmap", "Symbols", "CZstd", "CZlib", "CPrefetch"],
      swiftSettings: swiftSettings),
    .target(
      name: "Store", dependencies: ["Snapshot", "Git"], swiftSettings: swiftSettings),
    .target(
      name: "Graph", dependencies: ["Input", "Snapshot", "Components"], swiftSettings: swiftSettings),
    .target(
      name: "Drift", dependencies: ["Input", "Snapshot", "Components", "Graph"], swiftSettings: swiftSettings),
    .target(
      name: "SampleKernel", swiftSettings: swiftSettings),
    .target(
      name: "Reports",
      dependencies: [
        "Drift", "Graph", "Snapshot", "CLibXML2", "CGraphviz", .product(name: "Mustache", package: "swift-mustache"),
      ],
      swiftSettings: swiftSettings),
    .target(
      name: "KRX", dependencies: ["Input", "Symbols", "Components", "Drift"], swiftSettings: swiftSettings),
    .target(
      name: "CapdiffCommands",
      dependencies: [
        "Input", "Kmap", "Symbols", "Snapshot", "Git", "Components", "Policy", "Graph", "Store", "Drift", "KRX", "Reports", "SampleKernel",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "capdiff", dependencies: ["CapdiffCommands"], swiftSettings: swiftSettings),

    // Benchmark tools: the kmap generator and the ingest/symbolization drivers.
    .executableTarget(
      name: "capdiff-bench", dependencies: ["Input", "Kmap", "Symbols", "Snapshot", "Components", "Git", "Store", "Drift", "KRX", "Graph", "Reports"],
      path: "Benchmarks/Sources/capdiff-bench", swiftSettings: swiftSettings),

    // Tests.
    .target(
      name: "CapdiffTestSupport", dependencies: ["CLibXML2", "SampleKernel"], path: "Tests/CapdiffTestSupport",
      swiftSettings: swiftSettings),
    .testTarget(
      name: "InputTests", dependencies: ["Input", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "KmapTests", dependencies: ["Kmap", "Input", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "SymbolsTests", dependencies: ["Symbols", "CDW", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "SnapshotTests", dependencies: ["Snapshot", "Kmap", "Symbols", "Input", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ComponentsTests", dependencies: ["Components", "Input", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "PolicyTests", dependencies: ["Policy", "Components", "Drift", "KRX"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "GraphTests", dependencies: ["Graph", "Snapshot", "Components", "Kmap"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "StoreTests", dependencies: ["Store", "Snapshot", "Git", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ReportsTests", dependencies: ["Reports", "Drift", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "KRXTests", dependencies: ["KRX", "Drift", "Input", "Snapshot", "Symbols"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "DriftTests", dependencies: ["Drift", "Graph", "Snapshot", "Components", "Kmap"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "GitTests", dependencies: ["Git", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "CapdiffCommandsTests", dependencies: ["CapdiffCommands", "Drift", "Snapshot", "Store", "Kmap", "Input", "CapdiffTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "CapdiffEndToEndTests", dependencies: ["CapdiffTestSupport", "Git", "Store", "Snapshot", "Symbols"],
      swiftSettings: swiftSettings),
  ]
)
