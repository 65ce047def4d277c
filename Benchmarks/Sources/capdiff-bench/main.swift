#if canImport(Glibc)
  import Glibc
#endif
import Components
import Drift
import Foundation
import Git
import Input
import Graph
import KRX
import Reports
import Snapshot
import Store
import Symbols

/// capdiff-bench: the generator and drivers behind Benchmarks/run.sh.
///
///   capdiff-bench generate --out DIR --size-mb N [--seed S] [--symbols-from SYSTEM_MAP] [--reuse]
///   capdiff-bench ingest --symbols FILE [--workers N] KMAP
///   capdiff-bench symbolize --vmlinux FILE --addresses FILE
///   capdiff-bench maintainers --maintainers FILE --paths FILE [--repeat N]
///   capdiff-bench baseline --out DIR [--commits N] [--distance D]
///   capdiff-bench diff --out DIR [--edges N]
///   capdiff-bench krx --out DIR [--symbols N] [--samples K]
///   capdiff-bench reports --out DIR [--findings N]
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try await body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func peakResidentMiB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kb / 1024
  }
  return 0
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("capdiff-bench: \(message)\n".utf8))
  exit(2)
}

do {
  switch arguments.first {
  case "generate":
    guard let out = option("--out"), let size = option("--size-mb").flatMap(Int.init), size > 0 else {
      fail("usage: generate --out DIR --size-mb N [--seed S] [--symbols-from SYSTEM_MAP] [--reuse]")
    }
    guard let seed = UInt64(option("--seed") ?? "1") else { fail("--seed takes a decimal number") }
    // A real kernel's System.map to lay the kmap over, instead of a made-up one.
    let realMap = option("--symbols-from")
    // What made the files: with --reuse, files made the same way are kept.
    let stamp =
      "kmap generator \(KmapGenerator.version), seed \(seed), \(size) MB\(realMap.map { ", symbols of \($0)" } ?? "")\n"
    let stampPath = "\(out)/generator.txt"
    if arguments.contains("--reuse"), (try? String(contentsOfFile: stampPath, encoding: .utf8)) == stamp,
      FileManager.default.fileExists(atPath: "\(out)/kmap"), FileManager.default.fileExists(atPath: "\(out)/System.map")
    {
      print("reusing \(out)/kmap (\(stamp.dropLast()))")
      exit(0)
    }
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(atPath: stampPath)
    var generator = KmapGenerator(random: SplitMix(state: seed))
    let symbols: (functions: [KmapGenerator.Function], data: [KmapGenerator.Function])
    if let realMap {
      symbols = KmapGenerator.symbols(of: try LoadedSymbols(path: realMap).table)
      try? FileManager.default.removeItem(atPath: "\(out)/System.map")
      try FileManager.default.copyItem(atPath: realMap, toPath: "\(out)/System.map")
    } else {
      symbols = try generator.writeSymbols(to: "\(out)/System.map")
    }
    var counts = (objects: 0, lines: 0)
    let time = try await seconds {
      counts = try generator.writeKmap(
        to: "\(out)/kmap", bytes: size << 20, functions: symbols.functions, data: symbols.data)
    }
    try stamp.write(toFile: stampPath, atomically: true, encoding: .utf8)
    print(
      String(
        format: "generated %@/kmap (%d MB, %d objects, %d lines) in %.1f s", out, size, counts.objects, counts.lines,
        time))

  case "ingest":
    guard let symbolsPath = option("--symbols"), let kmap = arguments.last else {
      fail("usage: ingest --symbols FILE [--workers N] KMAP")
    }
    let symbols = try LoadedSymbols(path: symbolsPath)
    // As `capdiff record` does: one worker per core unless told otherwise.
    let workers = option("--workers").flatMap(Int.init) ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let start = DispatchTime.now().uptimeNanoseconds
    let snapshot = try await SnapshotRecorder.record(
      runs: [.kmap(kmap)], symbols: symbols,
      options: RecordOptions(workload: "bench", toolVersion: "bench", format: nil, lenient: false, workers: workers))
    let time = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let input = snapshot.runs[0].inputs[0]
    let megabytes = Double((try? FileManager.default.attributesOfItem(atPath: kmap)[.size] as? Int) ?? 0) / 1_048_576
    print(
      String(
        format: "ingest: %.2f s, %.0f MB/s, %.1f M lines/s, %d lines, %d edges, peak RSS %.0f MiB, %d workers",
        time, megabytes / time, Double(input.lines) / time / 1e6, input.lines, snapshot.edges.count, peakResidentMiB(),
        workers))

  case "load-symbols":
    // The fixed cost of every command given a System.map or kallsyms:
    // reading it into a symbol table, loaded again and again in one process.
    guard let path = arguments.last, arguments.count >= 2 else { fail("usage: load-symbols [--times N] FILE") }
    let loads = option("--times").flatMap(Int.init) ?? 30
    var times: [Double] = []
    var functions = 0
    for _ in 0..<max(1, loads) {
      times.append(try await seconds { functions = try LoadedSymbols(path: path).table.functions.count })
    }
    times.sort()
    print(
      String(
        format: "load-symbols: %d functions; min %.1f ms, median %.1f ms over %d loads", functions, times[0] * 1000,
        times[times.count / 2] * 1000, times.count))

  case "symbolize":
    guard let vmlinux = option("--vmlinux"), let addressFile = option("--addresses") else {
      fail("usage: symbolize --vmlinux FILE --addresses FILE")
    }
    let addresses = try String(contentsOfFile: addressFile, encoding: .utf8).split(separator: "\n").compactMap {
      UInt64($0.hasPrefix("0x") ? $0.dropFirst(2) : $0, radix: 16)
    }
    var resolved = 0
    var withFile = 0
    var withLine = 0
    let time = try await seconds {
      let symbols = try LoadedSymbols(path: vmlinux)
      for address in addresses {
        guard symbols.table.function(containing: address) != nil else { continue }
        resolved += 1
        if symbols.debugInfo?.sourceFile(at: address) != nil { withFile += 1 }
        if symbols.debugInfo?.line(at: address) != nil { withLine += 1 }
      }
    }
    print(String(format: "symbolize: %.3f s for %d addresses (%d functions, %d files, %d lines; loading included)", time, addresses.count, resolved, withFile, withLine))

  case "maintainers":
    guard let file = option("--maintainers"), let pathFile = option("--paths") else {
      fail("usage: maintainers --maintainers FILE --paths FILE [--repeat N]")
    }
    let text = try String(contentsOfFile: file, encoding: .utf8)
    var paths = try String(contentsOfFile: pathFile, encoding: .utf8).utf8.split(separator: UInt8(ascii: "\n")).map {
      String(Substring($0))
    }
    let repeatCount = Int(option("--repeat") ?? "1") ?? 1
    let treePaths = paths
    paths = Array(repeating: paths, count: repeatCount).flatMap { $0 }
    var checksum = 0
    var map: ComponentMap?
    let parse = await seconds {
      let tree = TreePaths(treePaths)
      let maintainers = Maintainers(text: text, file: file, isDirectory: tree.isDirectory)
      map = ComponentMap(scheme: .maintainers, maintainers: maintainers)
    }
    let attribute = await seconds {
      for path in paths { checksum &+= map!.attribute(path: path).component.utf8.count }
    }
    print(
      String(
        format: "maintainers: %.2f s in all: tree and %d KB MAINTAINERS read in %.2f s, %d paths attributed in %.2f s (checksum %d)",
        parse + attribute, text.utf8.count / 1024, parse, paths.count, attribute, checksum))

  case "baseline":
    guard let out = option("--out") else { fail("usage: baseline --out DIR [--commits N] [--distance D]") }
    let count = Int(option("--commits") ?? "100000") ?? 100_000
    let distance = Int(option("--distance") ?? "10000") ?? 10_000
    let path = "\(out)/linux-\(count)"
    let repository: Repository
    var head: OID
    if FileManager.default.fileExists(atPath: path) {
      repository = try Repository(opening: path)
      head = try repository.resolve("HEAD")
    } else {
      repository = try Repository.create(at: path, bare: true)
      var previous: OID?
      let build = try await seconds {
        for index in 0..<count {
          previous = try repository.commit(
            files: ["Makefile": Array("VERSION = 6\n".utf8)], message: "Commit \(index)",
            parents: previous.map { [$0] } ?? [],
            signature: Signature(name: "Dev", email: "dev@example.org", time: 1_600_000_000 + Int64(index)))
        }
      }
      head = previous!
      print(String(format: "built a repository of %d commits in %.1f s", count, build))
    }
    var target = head
    try repository.walkFirstParents(from: head) { commit, steps in
      target = commit
      return steps < distance
    }
    let store = DirectoryStore(path: "\(out)/baselines-\(count)")
    let snapshot = Snapshot(
      metadata: SnapshotMetadata(workload: "ltp", toolVersion: "bench", symbolSource: "System.map", symbolFile: "-", hasFileInformation: false),
      runs: [], subjects: [], sites: [], edges: [])
    try store.update(commit: target.hex, workload: "ltp") { _ in snapshot }
    var found: Baseline?
    let time = try await seconds {
      found = try BaselineFinder.find(head: head, workload: "ltp", upstream: nil, in: repository, store: store)
    }
    print(String(format: "baseline: found %@ %d commits from the head of %d in %.2f s", found?.commit.abbreviated() ?? "nothing", found?.distance ?? -1, count, time))

  case "diff":
    guard let out = option("--out") else { fail("usage: diff --out DIR [--edges N]") }
    let count = Int(option("--edges") ?? "1000000") ?? 1_000_000
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    // Two snapshots of `count` edges over 40,000 functions in 400 directories
    // and 4,000 object sites; head differs from base in 1% of its edges.
    func snapshot(changes: UInt64) -> Snapshot {
      var random = SplitMix(state: 1)
      var changed = SplitMix(state: changes)
      let subjects = (0..<40_000).map {
        Subject(function: "fn_\($0)", file: "dir\($0 % 400)/sub\($0 % 7)/file\($0 % 97).c", module: nil)
      }.sorted()
      let sites = (0..<4_000).map {
        ObjectSite(kind: .heap, name: "alloc_\($0)", file: "dir\($0 % 400)/sub0/alloc.c", allocType: .kmemCache, slab: "cache\($0 % 50)")
      }.sorted()
      var keys = Set<UInt64>()
      while keys.count < count {
        var subject = UInt64(random.next(subjects.count))
        let site = UInt64(random.next(sites.count))
        if changes != 0, changed.next(100) == 0 { subject = UInt64(changed.next(subjects.count)) }
        keys.insert(subject << 32 | site)
      }
      let edges = keys.sorted().map {
        Edge(subject: Int($0 >> 32), site: Int($0 & 0xFFFF_FFFF), reads: UInt64(random.next(100)), writes: UInt64(random.next(3)), objects: 1, runs: 1, line: nil)
      }
      return Snapshot(
        metadata: SnapshotMetadata(workload: "bench", toolVersion: "bench", symbolSource: "vmlinux", symbolFile: "-", hasFileInformation: true),
        runs: [RunRecord(inputs: [])], subjects: subjects, sites: sites, edges: edges)
    }
    for (name, changes) in [("base", UInt64(0)), ("head", UInt64(2))] where !FileManager.default.fileExists(atPath: "\(out)/\(name)-\(count).capmap") {
      try SnapshotFile.write(snapshot(changes: changes), to: "\(out)/\(name)-\(count).capmap")
    }
    var base: Snapshot?
    var head: Snapshot?
    let loadBase = try await seconds { base = try SnapshotFile.read("\(out)/base-\(count).capmap") }
    let loadHead = try await seconds { head = try SnapshotFile.read("\(out)/head-\(count).capmap") }
    var findings = 0
    let diff = await seconds {
      let report = DriftAnalysis.compare(
        DriftInput(
          base: base!, head: head!, map: ComponentMap(scheme: .directories(depth: 1), maintainers: nil), tree: nil,
          renames: [:], granularity: .component, rules: DriftRules(), today: "2026-01-01"))
      findings = report.findings.count
    }
    let size = (try FileManager.default.attributesOfItem(atPath: "\(out)/base-\(count).capmap")[.size] as? Int) ?? 0
    print(
      String(
        format: "diff: snapshots of %d edges (%.1f MB each) loaded in %.2f s and %.2f s; component diff in %.2f s (%d findings)",
        count, Double(size) / 1e6, loadBase, loadHead, diff, findings))

  case "krx":
    guard let out = option("--out") else { fail("usage: krx --out DIR [--symbols N] [--samples K]") }
    let count = Int(option("--symbols") ?? "200000") ?? 200_000
    let samples = Int(option("--samples") ?? "3") ?? 3
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    // kallsyms of `samples` boots per side: base with FG-KASLR (every
    // function at its own place in each boot), head with plain KASLR (the
    // image slides as one block). Four in five symbols are functions.
    func kallsyms(boot: Int, shuffled: Bool) -> String {
      var random = SplitMix(state: UInt64(boot) &* 7919 &+ 1)
      let text: UInt64 = 0xffff_ffff_8100_0000 + UInt64(random.next(400)) * 0x20_0000
      let functions = count * 4 / 5
      var order = Array(0..<functions)
      if shuffled { for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.next(i + 1)) } }
      var lines = ["\(String(text, radix: 16)) T _text"]
      lines.reserveCapacity(count + 4)
      var offset: UInt64 = 0x1000
      for function in order {
        lines.append("\(String(text + offset, radix: 16)) \(function % 3 == 0 ? "T" : "t") function_\(function)")
        offset += 16 + UInt64(function % 61) * 32
      }
      lines.append("\(String(text + offset, radix: 16)) T _etext")
      for data in 0..<(count - functions - 3) {
        lines.append("\(String(text + offset + 0x20_0000 + UInt64(data) * 64, radix: 16)) d data_\(data)")
      }
      lines.append("\(String(text + offset + 0x400_0000, radix: 16)) B _end")
      return lines.joined(separator: "\n") + "\n"
    }
    var base: [String] = []
    var head: [String] = []
    for boot in 0..<samples {
      for (name, shuffled) in [("base", true), ("head", false)] {
        let path = "\(out)/\(name)-\(count)-\(boot).kallsyms"
        if !FileManager.default.fileExists(atPath: path) {
          try kallsyms(boot: boot + (shuffled ? 0 : 100), shuffled: shuffled).write(toFile: path, atomically: true, encoding: .utf8)
        }
        if shuffled { base.append(path) } else { head.append(path) }
      }
    }
    func evidence(_ paths: [String]) throws -> KRXEvidence {
      try KRXEvidence(files: paths.map { EvidenceFile(kind: .layout, name: $0, bytes: try InputFile(path: $0).readAll()) })
    }
    var report: KRXReport?
    let time = try await seconds { report = KRXAnalysis.compare(base: try evidence(base), head: try evidence(head)) }
    let regressed = report!.outcomes.filter { $0.status == .regressed }.map(\.check)
    print(
      String(
        format: "krx: %d kallsyms samples per side of %d symbols: read, parsed and checked in %.2f s (regressed: %@)",
        samples, count, time, regressed.joined(separator: ", ")))

  case "reports":
    guard let out = option("--out") else { fail("usage: reports --out DIR [--findings N]") }
    let count = Int(option("--findings") ?? "10000") ?? 10_000
    // Head adds `count` cross-component edges, each its own pair of
    // directories (dirs:1), each backed by three functions: `count` new-access
    // findings with three evidence rows.
    var subjects: [Subject] = []
    var sites: [ObjectSite] = []
    for index in 0..<count {
      for variant in ["a", "b", "c"] {
        subjects.append(Subject(function: "function_\(index)_\(variant)", file: "subject\(index)/file_\(index).c", module: nil))
      }
      sites.append(ObjectSite(kind: .heap, name: "alloc_\(index)", file: "owner\(index)/alloc.c", allocType: .kmemCache, slab: "cache\(index % 40)"))
    }
    subjects.sort()
    sites.sort()
    let subjectIndex = Dictionary(uniqueKeysWithValues: subjects.enumerated().map { ($1.function, $0) })
    let siteIndex = Dictionary(uniqueKeysWithValues: sites.enumerated().map { ($1.name, $0) })
    let edges = (0..<count).flatMap { index in
      ["a", "b", "c"].map { variant in
        Edge(
          subject: subjectIndex["function_\(index)_\(variant)"]!, site: siteIndex["alloc_\(index)"]!, reads: 5, writes: 1,
          objects: 1, runs: 1, line: 42)
      }
    }.sorted { ($0.subject, $0.site) < ($1.subject, $1.site) }
    let metadata = SnapshotMetadata(workload: "bench", toolVersion: "bench", symbolSource: "vmlinux", symbolFile: "-", hasFileInformation: true)
    let head = Snapshot(metadata: metadata, runs: [RunRecord(inputs: [])], subjects: subjects, sites: sites, edges: edges)
    let base = Snapshot(metadata: metadata, runs: [RunRecord(inputs: [])], subjects: [], sites: [], edges: [])
    let map = ComponentMap(scheme: .directories(depth: 1), maintainers: nil)
    var written: [String] = []
    var findings = 0
    let time = try await seconds {
      let report = DriftAnalysis.compare(
        DriftInput(base: base, head: head, map: map, tree: nil, renames: [:], granularity: .component, rules: DriftRules(), today: "2026-01-01"))
      findings = report.findings.count
      let side = FindingsDocument.Side(commit: nil, describe: nil, workload: "bench", runs: 1)
      let document = FindingsDocument(
        toolVersion: "bench", base: side, head: side, scheme: "dirs:1", granularity: "component", report: report)
      let input = ReportInput(
        document: document, base: nil, head: nil,
        graph: GraphEdge.compare(
          base: PrivilegeGraph(base, map: map, tree: nil), head: PrivilegeGraph(head, map: map, tree: nil), sensitive: report.sensitiveEdges),
        subjectComponents: [], sourceURL: nil, timestamp: "2026-01-01T00:00:00", hostname: "bench")
      written = try ReportSet.write(input, to: out, formats: Set(ReportFormat.allCases))
    }
    let sizes = written.map { path in
      "\((path as NSString).lastPathComponent) \(String(format: "%.1f", Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6)) MB"
    }
    print(String(format: "reports: %d findings, every report written in %.2f s: %@", findings, time, sizes.joined(separator: ", ")))

  default:
    fail("usage: capdiff-bench generate|ingest|symbolize|maintainers|baseline|diff|krx|reports …")
  }
} catch {
  fail("\(error)")
}
