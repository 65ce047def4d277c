internal import CZlib

/// Several snapshots in one file, each with its commit and workload: the
/// format of `capdiff store export` and of each git note of the notes store.
///
/// Layout: magic `CAPSTORE\n`, `u32` version (1), `u32` CRC-32 of the rest,
/// then a varint count and per entry the commit, the workload and the
/// snapshot's own bytes (each a varint length and bytes).
public struct SnapshotArchive: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public var commit: String
    public var workload: String
    /// The snapshot file's bytes, checked again when decoded.
    public var bytes: [UInt8]

    public init(commit: String, workload: String, bytes: [UInt8]) {
      self.commit = commit
      self.workload = workload
      self.bytes = bytes
    }
  }

  public var entries: [Entry]

  public init(entries: [Entry]) { self.entries = entries }

  static let magic: [UInt8] = Array("CAPSTORE\n".utf8)

  /// Entries sorted by commit and workload, so equal archives are equal bytes.
  public func encode() -> [UInt8] {
    var body = BinaryWriter()
    let sorted = entries.sorted { ($0.commit, $0.workload) < ($1.commit, $1.workload) }
    body.varint(sorted.count)
    for entry in sorted {
      body.bytes(Array(entry.commit.utf8))
      body.bytes(Array(entry.workload.utf8))
      body.bytes(entry.bytes)
    }
    var header = BinaryWriter()
    header.bytes = Self.magic
    header.fixed32(1)
    header.fixed32(checksum(body.bytes[...]))
    return header.bytes + body.bytes
  }

  public static func decode(_ bytes: [UInt8], file: String) throws -> SnapshotArchive {
    guard bytes.count >= magic.count + 8, Array(bytes[0..<magic.count]) == magic else {
      throw SnapshotError(.notASnapshot, file: file, "is not a capdiff snapshot archive (no CAPSTORE header)")
    }
    var reader = BinaryReader(bytes, position: magic.count)
    guard let version = try? reader.fixed32(), let expected = try? reader.fixed32() else {
      throw SnapshotError(.damaged, file: file, "snapshot archive is truncated")
    }
    guard version <= 1 else {
      throw SnapshotError(.newerFormat, file: file, "snapshot archive version \(version) is newer than this capdiff reads (version 1); upgrade capdiff")
    }
    guard checksum(bytes[reader.position...]) == expected else {
      throw SnapshotError(.damaged, file: file, "snapshot archive is damaged: its checksum does not match its contents")
    }
    do {
      var entries: [Entry] = []
      for _ in 0..<(try reader.int(below: bytes.count)) {
        let commit = String(decoding: try reader.byteArray(), as: UTF8.self)
        let workload = String(decoding: try reader.byteArray(), as: UTF8.self)
        entries.append(Entry(commit: commit, workload: workload, bytes: Array(try reader.byteArray())))
      }
      guard reader.atEnd else { throw BinaryReader.Truncated() }
      return SnapshotArchive(entries: entries)
    } catch {
      throw SnapshotError(.damaged, file: file, "snapshot archive is damaged or truncated")
    }
  }
}

func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  bytes.withUnsafeBufferPointer { buffer in
    UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, uInt(buffer.count)))
  }
}
