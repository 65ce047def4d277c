public import Kmap
public import Symbols
import Input

/// The kmap files of one run: a single kmap, or a split pair.
public enum RunInput: Sendable, Equatable {
  case kmap(String)
  case split(allocations: String, accesses: String)

  var paths: [String] {
    switch self {
    case .kmap(let path): [path]
    case .split(let allocations, let accesses): [allocations, accesses]
    }
  }
}

/// How to read the kmaps.
public struct RecordOptions: Sendable {
  public var workload: String
  public var toolVersion: String
  /// Forces a kmap layout instead of detecting it.
  public var format: KmapFormat?
  /// Skip malformed lines, reporting them, instead of failing.
  public var lenient: Bool
  /// Parallel parsing tasks per file.
  public var workers: Int
  /// Bytes per parsing chunk.
  public var chunkSize: Int

  public init(
    workload: String, toolVersion: String, format: KmapFormat?, lenient: Bool, workers: Int,
    chunkSize: Int = 8 << 20
  ) {
    self.chunkSize = chunkSize
    self.workload = workload
    self.toolVersion = toolVersion
    self.format = format
    self.lenient = lenient
    self.workers = workers
  }
}

/// Turns the kmaps of one or more runs into a snapshot.
public enum SnapshotRecorder {
  public static func record(
    runs: [RunInput], symbols: LoadedSymbols, options: RecordOptions
  ) async throws -> Snapshot {
    var builder = SnapshotBuilder(symbols: symbols)
    for run in runs {
      let (aggregate, reports) = try await read(run, symbols: symbols.table, options: options)
      builder.add(aggregate, run: RunRecord(inputs: reports))
    }
    let metadata = SnapshotMetadata(
      workload: options.workload, toolVersion: options.toolVersion,
      symbolSource: symbols.table.kind.rawValue, symbolFile: symbols.path,
      hasFileInformation: symbols.hasFileInformation)
    return builder.build(metadata: metadata)
  }

  private static func read(_ run: RunInput, symbols: SymbolTable, options: RecordOptions) async throws
    -> (RunAggregator, [KmapFileReport])
  {
    switch run {
    case .kmap(let path):
      let (sinks, report) = try await KmapReader.read(
        path: path, format: options.format, lenient: options.lenient, workers: options.workers,
        chunkSize: options.chunkSize
      ) { RunAggregator(symbols: symbols) }
      guard report.format == .current || report.format == .legacy else {
        throw InputError(
          .unsupportedFormat, file: report.file,
          "is the \(report.format.rawValue) half of a split kmap; give the directory holding both 'allocations' and 'accesses', or both files one after the other"
        )
      }
      return (merged(sinks), [report])
    case .split(let allocationsPath, let accessesPath):
      let (allocationSinks, allocationReport) = try await KmapReader.read(
        path: allocationsPath, format: .allocations, lenient: options.lenient, workers: options.workers,
        chunkSize: options.chunkSize
      ) { RunAggregator(symbols: symbols, recordsSitesByIndex: true) }
      let allocations = merged(allocationSinks)
      let sites = allocations.recordedSites
      let (accessSinks, accessReport) = try await KmapReader.read(
        path: accessesPath, format: .accesses, lenient: options.lenient, workers: options.workers,
        chunkSize: options.chunkSize
      ) { RunAggregator(symbols: symbols, sitesByIndex: sites) }
      var aggregate = merged(accessSinks)
      aggregate.slabNames.merge(allocations.slabNames) { first, _ in first }
      var report = accessReport
      if aggregate.orphanAccesses > 0 {
        report.skippedLines += aggregate.orphanAccesses
        report.problems.append(
          Diagnostic(
            .warning, file: report.file,
            "\(aggregate.orphanAccesses) access line\(aggregate.orphanAccesses == 1 ? "" : "s") name an allocation index that \(allocationReport.file) does not list (skipped)"
          ))
      }
      return (aggregate, [allocationReport, report])
    }
  }

  private static func merged(_ sinks: [RunAggregator]) -> RunAggregator {
    var sinks = sinks
    var first = sinks.removeFirst()
    for sink in sinks { first.merge(sink) }
    return first
  }
}

/// Names the aggregated keys and merges runs into one sorted snapshot.
struct SnapshotBuilder {
  let symbols: LoadedSymbols
  private var runs: [RunRecord] = []
  private var subjectIndex: [Subject: Int] = [:]
  private var siteIndex: [ObjectSite: Int] = [:]
  private var edges: [EdgeIdentity: MergedEdge] = [:]
  private var functionFiles: [Int: String?] = [:]

  private struct EdgeIdentity: Hashable {
    var subject: Int
    var site: Int
  }

  private struct MergedEdge {
    var stats: EdgeStats
    var runs: Int
  }

  init(symbols: LoadedSymbols) { self.symbols = symbols }

  mutating func add(_ aggregate: RunAggregator, run: RunRecord) {
    runs.append(run)
    for (key, stats) in aggregate.edges {
      let subject = index(of: subject(key.subject))
      let site = index(of: site(key.site, slabNames: aggregate.slabNames))
      let identity = EdgeIdentity(subject: subject, site: site)
      if var existing = edges[identity] {
        existing.stats.merge(stats)
        existing.runs += 1
        edges[identity] = existing
      } else {
        edges[identity] = MergedEdge(stats: stats, runs: 1)
      }
    }
  }

  func build(metadata: SnapshotMetadata) -> Snapshot {
    let subjects = subjectIndex.keys.sorted()
    let sites = siteIndex.keys.sorted()
    var subjectOrder = [Int](repeating: 0, count: subjects.count)
    for (new, subject) in subjects.enumerated() { subjectOrder[subjectIndex[subject]!] = new }
    var siteOrder = [Int](repeating: 0, count: sites.count)
    for (new, site) in sites.enumerated() { siteOrder[siteIndex[site]!] = new }
    var result: [Edge] = edges.map { identity, merged in
      let line = merged.stats.lowestAddress == .max ? nil : symbols.debugInfo?.line(at: merged.stats.lowestAddress)
      return Edge(
        subject: subjectOrder[identity.subject], site: siteOrder[identity.site],
        reads: merged.stats.reads, writes: merged.stats.writes, objects: merged.stats.objects,
        runs: merged.runs, line: line)
    }
    result.sort { ($0.subject, $0.site) < ($1.subject, $1.site) }
    return Snapshot(metadata: metadata, runs: runs, subjects: subjects, sites: sites, edges: result)
  }

  private mutating func index(of subject: Subject) -> Int {
    if let known = subjectIndex[subject] { return known }
    let new = subjectIndex.count
    subjectIndex[subject] = new
    return new
  }

  private mutating func index(of site: ObjectSite) -> Int {
    if let known = siteIndex[site] { return known }
    let new = siteIndex.count
    siteIndex[site] = new
    return new
  }

  private mutating func subject(_ ref: SymbolRef) -> Subject {
    guard ref.resolved else {
      return Subject(function: unresolvedName(ref.value), file: nil, module: nil)
    }
    let function = symbols.table.functions[Int(ref.value)]
    return Subject(function: function.name, file: file(ofFunction: Int(ref.value)), module: function.module)
  }

  private mutating func site(_ key: SiteKey, slabNames: [UInt64: String]) -> ObjectSite {
    let type = AllocType(rawValue: key.allocType)
    switch key.kind {
    case .pseudo:
      let name: String
      switch PseudoKind(rawValue: key.ref.value) ?? .untracked {
      case .stack: name = PseudoSite.stack
      case .preallocated: name = PseudoSite.preallocated
      case .untracked: name = PseudoSite.untracked(type)
      }
      return ObjectSite(kind: .pseudo, name: name, file: nil, allocType: type, slab: nil)
    case .global:
      let name =
        key.ref.resolved ? symbols.table.data[Int(key.ref.value)].name : unresolvedName(key.ref.value)
      return ObjectSite(kind: .global, name: name, file: nil, allocType: type, slab: nil)
    case .heap:
      let slab = key.slab == 0 ? nil : slabNames[key.slab]
      guard key.ref.resolved else {
        return ObjectSite(
          kind: .heap, name: unresolvedName(key.ref.value), file: nil, allocType: type, slab: slab)
      }
      let function = symbols.table.functions[Int(key.ref.value)]
      return ObjectSite(
        kind: .heap, name: function.name, file: file(ofFunction: Int(key.ref.value)), allocType: type,
        slab: slab)
    }
  }

  private mutating func file(ofFunction index: Int) -> String? {
    if let known = functionFiles[index] { return known }
    let file = symbols.debugInfo?.sourceFile(at: symbols.table.functions[index].start)
    functionFiles[index] = file
    return file
  }

  private func unresolvedName(_ address: UInt64) -> String {
    unresolvedPrefix + String(address, radix: 16)
  }
}
