import CapdiffTestSupport
import Input
import Symbols
import Testing

@testable import Snapshot

@Suite struct VmlinuxRecordTests {
  /// Thousands of functions in two files, and a global object whose site
  /// is placed by the walk done beside the reading: every subject must get
  /// its file, every edge its line, the global its file.
  @Test(arguments: [1, 2])
  func everyOneOfThousandsOfFunctionsGetsItsFileAndLine(workers: Int) async throws {
    let directory = try TemporaryDirectory()
    let counts = ["drivers/many/first.c": 1_300, "drivers/many/second.c": 900]
    var sources: [String: String] = [:]
    for (file, count) in counts {
      let stem = file.hasSuffix("first.c") ? "first" : "second"
      sources[file] = (0..<count).map { "int \(stem)_\($0)(int x) { return x + \($0); }\n" }.joined()
    }
    sources["mm/slab.c"] = "int slab_counter;\nlong kmem_cache_alloc(long n) {\n  return n + slab_counter;\n}\n"
    let elf = try KernelELF(in: directory, sources: sources)
    let hex = { (value: UInt64) in String(value, radix: 16) }
    var kmap = "\(hex(try elf.address(of: "kmem_cache_alloc") + 4)),1,ffff888005c20000,64,1,0,0,KMALLOC,kworker/0:1,kmalloc-64,\n"
    for (file, count) in counts.sorted(by: { $0.key < $1.key }) {
      let stem = file.hasSuffix("first.c") ? "first" : "second"
      for index in 0..<count { kmap += "  \(hex(try elf.address(of: "\(stem)_\(index)"))),0,1,1\n" }
    }
    // A global object too: its site is placed by the variables' walk.
    kmap += "6,1,\(hex(try elf.address(of: "slab_counter"))),4,2,0,0,GLOBAL,swapper/0,no-slab,\n"
    kmap += "  \(hex(try elf.address(of: "second_7"))),1,0,1\n"
    let snapshot = try await SnapshotRecorder.record(
      runs: [.kmap(try directory.write("kmap", kmap))], symbols: try LoadedSymbols(path: elf.path),
      options: RecordOptions(
        workload: "boot", toolVersion: "0.1.0", format: nil, lenient: false, workers: workers, chunkSize: 16 << 10))
    #expect(snapshot.edges.count == 2_201)
    #expect(snapshot.sites.map(\.label) == ["kmem_cache_alloc [KMALLOC, kmalloc-64]", "slab_counter [global]"])
    #expect(snapshot.sites.map(\.file) == ["mm/slab.c", "mm/slab.c"])
    for edge in snapshot.edges {
      let subject = snapshot.subjects[edge.subject]
      let parts = subject.function.split(separator: "_")
      let index = try #require(Int(parts[1]))
      #expect(subject.file == "drivers/many/\(parts[0]).c", "\(subject.function)")
      // Function N sits on line N + 1, and its first instruction belongs to it.
      #expect(edge.line == index + 1, "\(subject.function)")
    }
  }

  /// A recording that fails leaves nothing behind holding the DWARF: the
  /// same symbols still answer, and record again.
  @Test func aFailedRecordingLeavesTheDWARFFree() async throws {
    let directory = try TemporaryDirectory()
    let elf = try KernelELF(
      in: directory, sources: ["mm/slab.c": "int slab_counter;\nlong kmem_cache_alloc(long n) {\n  return n + slab_counter;\n}\n"])
    let symbols = try LoadedSymbols(path: elf.path)
    let hex = { (value: UInt64) in String(value, radix: 16) }
    let alloc = try elf.address(of: "kmem_cache_alloc")
    let object = "6,1,\(hex(try elf.address(of: "slab_counter"))),4,1,0,0,GLOBAL,swapper/0,no-slab,\n  \(hex(alloc)),1,0,1\n"
    let options = RecordOptions(workload: "boot", toolVersion: "0.1.0", format: nil, lenient: false, workers: 2)
    await #expect(throws: InputError.self) {
      try await SnapshotRecorder.record(
        runs: [.kmap(try directory.write("bad.kmap", object + "  \(hex(alloc)),one,0,1\n"))], symbols: symbols,
        options: options)
    }
    #expect(symbols.debugInfo?.line(at: alloc) == 2)
    let snapshot = try await SnapshotRecorder.record(
      runs: [.kmap(try directory.write("good.kmap", object))], symbols: symbols, options: options)
    #expect(snapshot.sites.map(\.label) == ["slab_counter [global]"])
    #expect(snapshot.sites.map(\.file) == ["mm/slab.c"])
    #expect(snapshot.edges.map(\.line) == [2])
  }
}
