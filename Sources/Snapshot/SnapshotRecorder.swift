public import Kmap
public import Symbols
import Input

/// The kmap files of one run: a single kmap, or a split pair.
public enum RunInput: Sendable, Equatable {
  case kmap(String)
  case split(allocations: String, accesses: String)

  /// The files it is read from.
  public var paths: [String] {
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
  /// Bytes per parsing chunk: 4 MiB shares a 100 MB kmap's last chunks
  /// between the workers better than 8 MiB did, and costs a gigabyte nothing.
  public var chunkSize: Int

  public init(
    workload: String, toolVersion: String, format: KmapFormat?, lenient: Bool, workers: Int,
    chunkSize: Int = 4 << 20
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
    // With a vmlinux, placing globals walks every unit's variables, which
    // takes longer than reading a 100 MB kmap: it walks while they are read.
    let preparation = symbols.debugInfo.map { DebugInfoPreparation($0) }
    var builder = SnapshotBuilder(symbols: symbols)
    var seen: [String: String] = [:]
    for run in runs {
      let (workers, reports) = try await read(run, symbols: symbols.table, preparation: preparation, options: options)
      // One kmap given twice would count every edge it holds in two runs.
      for report in reports {
        guard let digest = report.digest else { continue }
        if let first = seen[digest] {
          throw InputError(
            .refusedInput, file: report.file,
            "holds the same content as \(first) (\(digest)): each run is recorded once, so that 'seen in k of n runs' counts real runs")
        }
        seen[digest] = report.file
      }
      builder.add(workers, run: RunRecord(inputs: reports))
    }
    await preparation?.finished()
    let metadata = SnapshotMetadata(
      workload: options.workload, toolVersion: options.toolVersion,
      symbolSource: symbols.table.kind.rawValue, symbolFile: symbols.path,
      hasFileInformation: symbols.hasFileInformation)
    return builder.build(metadata: metadata)
  }

  /// Reads one run; returns each worker's aggregate (merged by the builder).
  private static func read(
    _ run: RunInput, symbols: SymbolTable, preparation: DebugInfoPreparation?, options: RecordOptions
  ) async throws
    -> ([RunAggregator], [KmapFileReport])
  {
    switch run {
    case .kmap(let path):
      let (sinks, report) = try await KmapReader.read(
        path: path, format: options.format, lenient: options.lenient, workers: options.workers,
        chunkSize: options.chunkSize
      ) { RunAggregator(symbols: symbols, preparation: preparation) }
      guard report.format == .current || report.format == .legacy else {
        throw InputError(
          .unsupportedFormat, file: report.file,
          "is the \(report.format.rawValue) half of a split kmap; give the directory holding both 'allocations' and 'accesses', or both files one after the other"
        )
      }
      return (sinks, [report])
    case .split(let allocationsPath, let accessesPath):
      let (allocationSinks, allocationReport) = try await KmapReader.read(
        path: allocationsPath, format: .allocations, lenient: options.lenient, workers: options.workers,
        chunkSize: options.chunkSize
      ) { RunAggregator(symbols: symbols, preparation: preparation, recordsSitesByIndex: true) }
      var sites: [UInt64: SiteKey] = [:]
      var slabNames: [UInt64: String] = [:]
      var repeated = Set<UInt64>()
      for sink in allocationSinks {
        repeated.formUnion(sink.repeatedIndexes)
        for (index, site) in sink.recordedSites where sites.updateValue(site, forKey: index) != nil {
          repeated.insert(index)
        }
        slabNames.merge(sink.slabNames) { first, _ in first }
      }
      // Accesses name their object by index alone: two objects under one
      // index cannot be told apart (and which one won would depend on the
      // order the workers finished in). From a regular file, the repeat is
      // named by its line.
      if let index = repeated.min() {
        if InputFile.isRegularFile(allocationsPath), let located = try RepeatedAllocationIndex.find(in: allocationsPath) {
          throw InputError(
            .malformedLine, file: allocationReport.file, line: located.line, column: located.column,
            "field 5 (alloc_index): allocation index \(located.index) was given to the object on line \(located.firstLine) already; the accesses file names objects by index, so it cannot be joined")
        }
        throw InputError(
          .malformedLine, file: allocationReport.file,
          "allocation index \(index) is given to more than one object\(repeated.count > 1 ? " (and \(repeated.count - 1) more indexes)" : ""): the accesses file names objects by index, so it cannot be joined")
      }
      let accessSinks: [RunAggregator]
      let accessReport: KmapFileReport
      do {
        (accessSinks, accessReport) = try await KmapReader.read(
          path: accessesPath, format: .accesses, lenient: options.lenient, workers: options.workers,
          chunkSize: options.chunkSize
        ) { [sites] in RunAggregator(symbols: symbols, sitesByIndex: sites) }
      } catch var error as InputError where error.message.contains(KmapParser.listedIndex) {
        // The object of a line cut from the allocations file is missing, and its accesses with it.
        if let cut = allocationReport.cutLine {
          error.message +=
            " (\(allocationReport.file)'s last line, \(cut.line), was cut short: if this is its object, --lenient keeps the rest)"
        }
        throw error
      }
      var workers = accessSinks
      workers[0].slabNames.merge(slabNames) { first, _ in first }
      return (workers, [allocationReport, accessReport])
    }
  }
}

/// Names the aggregated keys and merges runs into one sorted snapshot.
///
/// Naming happens once per distinct subject and site, never per edge.
struct SnapshotBuilder {
  let symbols: LoadedSymbols
  private var runs: [RunRecord] = []
  private var subjectNumbers = InternTable<Subject>()
  private var siteNumbers = InternTable<ObjectSite>()
  /// Global subject index by function index, -1 until named.
  private var functionSubjects: [Int]
  private var functionFiles: [Int: String?] = [:]
  /// Every worker's edges, keyed by (global subject, global site), with
  /// the run they came from; merged by sorting in `build`.
  private var pending: [(key: UInt64, run: Int32, stats: EdgeStats)] = []

  init(symbols: LoadedSymbols) {
    self.symbols = symbols
    functionSubjects = [Int](repeating: -1, count: symbols.table.functions.count)
  }

  mutating func add(_ workers: [RunAggregator], run: RunRecord) {
    let runIndex = Int32(runs.count)
    runs.append(run)
    let names = slabNames(workers)
    // Room ahead: growing rehashes every subject and site so far. The
    // workers' edges bound what the run adds, and the functions and unknown
    // addresses bound its subjects.
    let edges = workers.reduce(0) { $0 + $1.edges.count }
    let unknown = workers.reduce(0) { $0 + $1.unknownAddresses.count }
    pending.reserveCapacity(pending.count + edges)
    subjectNumbers.reserveCapacity(adding: min(edges, symbols.table.functions.count + unknown))
    siteNumbers.reserveCapacity(adding: workers.reduce(0) { $0 + $1.sites.count })
    for aggregate in workers {
      let siteMap = aggregate.sites.map { siteNumbers.number(of: site($0, slabNames: names)) }
      let unknownMap = aggregate.unknownAddresses.map { address in
        subjectNumbers.number(of: Subject(function: unresolvedName(address), file: nil, module: nil))
      }
      aggregate.edges.forEach { key, stats in
        let subjectID = UInt32(truncatingIfNeeded: key >> 32)
        let subject =
          subjectID & RunAggregator.unknownBit == 0
          ? functionSubject(Int(subjectID)) : unknownMap[Int(subjectID & ~RunAggregator.unknownBit)]
        let site = siteMap[Int(UInt32(truncatingIfNeeded: key))]
        pending.append((edgeKey(subject: UInt32(subject), site: UInt32(site)), runIndex, stats))
      }
    }
  }

  private func slabNames(_ workers: [RunAggregator]) -> [UInt64: String] {
    workers.dropFirst().reduce(workers.first?.slabNames ?? [:]) { $0.merging($1.slabNames) { first, _ in first } }
  }

  func build(metadata: SnapshotMetadata) -> Snapshot {
    let (subjects, subjectOrder) = subjectNumbers.sorted()
    let (sites, siteOrder) = siteNumbers.sorted()
    // Rekey into the sorted orders and fold equal keys: sums of the counts,
    // and the number of distinct runs. The entries are counted out into a
    // bucket per subject, then each bucket is sorted by site and place in
    // `pending` (runs are added in order, so that place orders runs too):
    // no comparison sort runs over all of them. Moving whole entries into
    // the buckets instead, to read `pending` in order, was slower.
    var bucketStart = [Int](repeating: 0, count: subjects.count + 1)
    for entry in pending { bucketStart[Int(subjectOrder[Int(entry.key >> 32)]) + 1] += 1 }
    for subject in subjects.indices { bucketStart[subject + 1] += bucketStart[subject] }
    var next = bucketStart
    var order = [UInt64](repeating: 0, count: pending.count)
    for (place, entry) in pending.enumerated() {
      let subject = Int(subjectOrder[Int(entry.key >> 32)])
      order[next[subject]] = UInt64(siteOrder[Int(UInt32(truncatingIfNeeded: entry.key))]) << 32 | UInt64(place)
      next[subject] += 1
    }
    var result: [Edge] = []
    result.reserveCapacity(pending.count)
    var lowestAddresses: [UInt64] = []  // by edge
    lowestAddresses.reserveCapacity(pending.count)
    for subject in subjects.indices {
      let bucket = bucketStart[subject]..<bucketStart[subject + 1]
      order[bucket].sort()
      var index = bucket.lowerBound
      while index < bucket.upperBound {
        let site = order[index] >> 32
        var stats = EdgeStats()
        var runCount = 0
        var lastRun: Int32 = -1
        while index < bucket.upperBound, order[index] >> 32 == site {
          let item = pending[Int(UInt32(truncatingIfNeeded: order[index]))]
          stats.merge(item.stats)
          if item.run != lastRun {
            runCount += 1
            lastRun = item.run
          }
          index += 1
        }
        lowestAddresses.append(stats.lowestAddress)
        result.append(
          Edge(
            subject: subject, site: Int(site), reads: stats.reads, writes: stats.writes, objects: stats.objects,
            runs: runCount, line: nil))
      }
    }
    // Each edge's line, of the subject's lowest accessing instruction: all
    // asked at once, for the DWARF to answer on both cores.
    if let lines = symbols.debugInfo?.lines(at: lowestAddresses) {
      for (index, line) in lines.enumerated() { result[index].line = line }
    }
    return Snapshot(metadata: metadata, runs: runs, subjects: subjects, sites: sites, edges: result)
  }

  private mutating func functionSubject(_ function: Int) -> Int {
    if functionSubjects[function] >= 0 { return functionSubjects[function] }
    let symbol = symbols.table.functions[function]
    let subject = subjectNumbers.number(of: Subject(function: symbol.name, file: file(ofFunction: function), module: symbol.module))
    functionSubjects[function] = subject
    return subject
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
      // The defining file decides the owner (DESIGN §2); DWARF knows it.
      let file = key.ref.resolved ? symbols.debugInfo?.definingFile(ofVariableAt: symbols.table.data[Int(key.ref.value)].start) : nil
      return ObjectSite(kind: .global, name: name, file: file, allocType: type, slab: nil)
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
