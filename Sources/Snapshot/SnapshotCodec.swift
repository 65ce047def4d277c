#if canImport(Glibc)
  import Glibc
#endif
import Kmap
import Input

/// Reads and writes the snapshot file format (docs/snapshot-format.md).
///
/// Layout: an 8-byte magic, the format version, the payload's length and
/// CRC-32, then the payload: a sorted string table and the snapshot's
/// records as varints referring to it. No timestamps or map orders reach the
/// bytes, so equal snapshots are equal files.
public enum SnapshotCodec {
  /// The version this capdiff writes and the newest it reads. Version 2
  /// added kR^X evidence after the edges; version 1 files read as having none.
  public static let formatVersion: UInt32 = 2
  static let magic: [UInt8] = Array("CAPMAP\u{0}\n".utf8)

  public static func encode(_ snapshot: Snapshot) -> [UInt8] {
    var strings = Set<String>()
    strings.reserveCapacity(snapshot.subjects.count + snapshot.sites.count)  // names, mostly distinct
    func collect(_ text: String?) { if let text { strings.insert(text) } }
    let m = snapshot.metadata
    [m.workload, m.toolVersion, m.symbolSource, m.symbolFile].forEach(collect)
    if let commit = m.commit { [commit.oid, commit.describe, commit.kernelVersion, commit.subject].forEach(collect) }
    for run in snapshot.runs {
      for input in run.inputs {
        [input.file, input.format.rawValue, input.compression.rawValue, input.digest].forEach(collect)
        (input.problems + [input.cutLine].compactMap { $0 }).forEach { collect($0.message) }
      }
    }
    for subject in snapshot.subjects { [subject.function, subject.file, subject.module].forEach(collect) }
    for site in snapshot.sites { [site.name, site.file, site.slab].forEach(collect) }
    for file in snapshot.evidence { [file.kind.rawValue, file.name].forEach(collect) }
    let unsorted = Array(strings)
    let table = unsorted.sortedPositions(prefix: \.orderPrefix) { $0.bytesPrecede($1) }.map { unsorted[$0] }
    var index: [String: Int] = [:]
    index.reserveCapacity(table.count)
    for (i, text) in table.enumerated() { index[text] = i }

    var w = BinaryWriter()
    w.varint(table.count)
    for text in table { w.bytes(Array(text.utf8)) }
    func string(_ text: String) { w.varint(index[text]!) }
    func optional(_ text: String?) { w.varint(text.map { index[$0]! + 1 } ?? 0) }
    string(m.workload)
    string(m.toolVersion)
    string(m.symbolSource)
    string(m.symbolFile)
    w.varint(m.hasFileInformation ? 1 : 0)
    w.varint(m.commit == nil ? 0 : 1)
    if let commit = m.commit {
      string(commit.oid)
      string(commit.describe)
      optional(commit.kernelVersion)
      string(commit.subject)
    }

    w.varint(snapshot.runs.count)
    for run in snapshot.runs {
      w.varint(run.inputs.count)
      for input in run.inputs {
        string(input.file)
        string(input.format.rawValue)
        string(input.compression.rawValue)
        optional(input.digest)
        for count in [
          input.lines, input.objects, input.accesses, input.skippedLines, input.freedObjects,
          input.liveObjects,
        ] {
          w.varint(count)
        }
        let diagnostics = input.problems + [input.cutLine].compactMap { $0 }
        w.varint(input.problems.count)
        w.varint(input.cutLine == nil ? 0 : 1)
        for diagnostic in diagnostics {
          w.varint(diagnostic.line)
          w.varint(diagnostic.column)
          string(diagnostic.message)
        }
      }
    }

    w.varint(snapshot.subjects.count)
    for subject in snapshot.subjects {
      string(subject.function)
      optional(subject.file)
      optional(subject.module)
    }
    w.varint(snapshot.sites.count)
    for site in snapshot.sites {
      w.varint(UInt64(site.kind.rawValue))
      string(site.name)
      optional(site.file)
      w.varint(site.allocType.map { UInt64($0.rawValue) + 1 } ?? 0)
      optional(site.slab)
    }
    w.varint(snapshot.edges.count)
    var previousSubject = 0
    for edge in snapshot.edges {
      // Edges are sorted by subject: store the step, mostly 0 or 1.
      w.varint(edge.subject - previousSubject)
      previousSubject = edge.subject
      w.varint(edge.site)
      w.varint(edge.reads)
      w.varint(edge.writes)
      w.varint(edge.objects)
      w.varint(edge.runs)
      w.varint(edge.line ?? 0)
    }
    w.varint(snapshot.evidence.count)
    for file in snapshot.evidence {
      string(file.kind.rawValue)
      string(file.name)
      w.varint(file.bytes.count)
      w.bytes(ZstdFrame.compress(file.bytes))
    }
    return framed(w.bytes)
  }

  /// A payload behind the header that vouches for it.
  static func framed(_ payload: [UInt8]) -> [UInt8] {
    var header = BinaryWriter()
    header.bytes = magic
    header.fixed32(formatVersion)
    header.fixed64(UInt64(payload.count))
    header.fixed32(checksum(payload[...]))
    return header.bytes + payload
  }

  /// Decodes `bytes`, checking magic, version, length and checksum before
  /// trusting anything; `file` names the source in errors.
  /// Magic, version, payload length and checksum.
  static let headerSize = 24

  /// The size of the whole file `header` (its first bytes) declares; nil
  /// when they are no snapshot header.
  static func fileSize(declaredBy header: [UInt8]) -> UInt64? {
    guard header.count >= headerSize, Array(header[0..<magic.count]) == magic else { return nil }
    var r = BinaryReader(header, position: magic.count + 4)
    return (try? r.fixed64()).map { $0 &+ UInt64(headerSize) }
  }

  public static func decode(_ bytes: [UInt8], file: String) throws -> Snapshot {
    guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
      throw SnapshotError(.notASnapshot, file: file, "is not a capdiff snapshot (no CAPMAP header)")
    }
    var r = BinaryReader(bytes, position: magic.count)
    let damaged = SnapshotError(.damaged, file: file, "snapshot is damaged or truncated")
    guard let version = try? r.fixed32() else { throw damaged }
    guard version <= formatVersion else {
      throw SnapshotError(
        .newerFormat, file: file,
        "snapshot format version \(version) is newer than this capdiff reads (version \(formatVersion)); upgrade capdiff to read it"
      )
    }
    guard let length = try? r.fixed64(), let expected = try? r.fixed32(),
      UInt64(bytes.count - r.position) == length
    else {
      throw SnapshotError(.damaged, file: file, "snapshot is truncated or has trailing bytes (length mismatch)")
    }
    guard checksum(bytes[r.position...]) == expected else {
      throw SnapshotError(.damaged, file: file, "snapshot is damaged: its checksum does not match its contents")
    }
    do {
      return try decodePayload(&r, version: version)
    } catch {
      throw damaged
    }
  }

  private static func decodePayload(_ r: inout BinaryReader, version: UInt32) throws -> Snapshot {
    let count = try r.int(below: r.bytes.count)
    var table: [String] = []
    table.reserveCapacity(count)
    for _ in 0..<count { table.append(String(decoding: try r.byteArray(), as: UTF8.self)) }
    func string() throws -> String { table[try r.int(below: table.count)] }
    func optional() throws -> String? {
      let value = try r.int(below: table.count + 1)
      return value == 0 ? nil : table[value - 1]
    }
    var metadata = SnapshotMetadata(
      workload: try string(), toolVersion: try string(), symbolSource: try string(),
      symbolFile: try string(), hasFileInformation: try r.varint() != 0)
    if try r.int(below: 2) == 1 {
      metadata.commit = CommitMetadata(
        oid: try string(), describe: try string(), kernelVersion: try optional(), subject: try string())
    }

    var runs: [RunRecord] = []
    for _ in 0..<(try r.int(below: r.bytes.count)) {
      var inputs: [KmapFileReport] = []
      for _ in 0..<(try r.int(below: r.bytes.count)) {
        let file = try string()
        guard let format = KmapFormat(rawValue: try string()),
          let compression = Compression(rawValue: try string())
        else { throw BinaryReader.Truncated() }
        var report = KmapFileReport(file: file, format: format, compression: compression)
        report.digest = try optional()
        report.lines = try r.int()
        report.objects = try r.int()
        report.accesses = try r.int()
        report.skippedLines = try r.int()
        report.freedObjects = try r.int()
        report.liveObjects = try r.int()
        let problems = try r.int(below: r.bytes.count)
        let cut = try r.int(below: 2)
        for k in 0..<(problems + cut) {
          let diagnostic = Diagnostic(
            .warning, file: file, line: try r.int(), column: try r.int(), try string())
          if k < problems { report.problems.append(diagnostic) } else { report.cutLine = diagnostic }
        }
        inputs.append(report)
      }
      runs.append(RunRecord(inputs: inputs))
    }

    var subjects: [Subject] = []
    for _ in 0..<(try r.int(below: r.bytes.count)) {
      subjects.append(Subject(function: try string(), file: try optional(), module: try optional()))
    }
    var sites: [ObjectSite] = []
    for _ in 0..<(try r.int(below: r.bytes.count)) {
      guard let kind = ObjectSite.Kind(rawValue: UInt8(try r.int(below: 3))) else {
        throw BinaryReader.Truncated()
      }
      let name = try string()
      let file = try optional()
      let typeCode = try r.int(below: 256)
      let type = typeCode == 0 ? nil : AllocType(rawValue: UInt8(typeCode - 1))
      sites.append(ObjectSite(kind: kind, name: name, file: file, allocType: type, slab: try optional()))
    }
    let edgeCount = try r.int(below: r.bytes.count)
    var edges: [Edge] = []
    edges.reserveCapacity(edgeCount)
    var subject = 0
    for _ in 0..<edgeCount {
      subject += try r.int(below: subjects.count - subject)
      let site = try r.int(below: sites.count)
      let reads = try r.varint()
      let writes = try r.varint()
      let objects = try r.varint()
      let runsSeen = try r.int(below: runs.count + 1)
      let line = try r.int(below: Int(Int32.max))
      edges.append(
        Edge(
          subject: subject, site: site, reads: reads, writes: writes, objects: objects, runs: runsSeen,
          line: line == 0 ? nil : line))
    }
    var evidence: [EvidenceFile] = []
    if version >= 2 {
      for _ in 0..<(try r.int(below: r.bytes.count)) {
        guard let kind = EvidenceFile.Kind(rawValue: try string()) else { throw BinaryReader.Truncated() }
        let name = try string()
        let size = try r.int(below: EvidenceFile.maximumSize + 1)
        guard let bytes = ZstdFrame.decompress(try r.byteArray(), size: size) else { throw BinaryReader.Truncated() }
        evidence.append(EvidenceFile(kind: kind, name: name, bytes: bytes))
      }
    }
    guard r.atEnd else { throw BinaryReader.Truncated() }
    return Snapshot(metadata: metadata, runs: runs, subjects: subjects, sites: sites, edges: edges, evidence: evidence)
  }
}
