public import Kmap

/// A CAPMAP: which kernel code (subjects) touched which kernel objects
/// (object sites), with what rights, over one or more runs of a workload.
///
/// Arrays are sorted and edges refer to subjects and sites by index, so
/// equal inputs give equal values and byte-identical files.
public struct Snapshot: Sendable, Equatable {
  public var metadata: SnapshotMetadata
  public var runs: [RunRecord]
  public var subjects: [Subject]
  public var sites: [ObjectSite]
  public var edges: [Edge]
  /// kR^X evidence recorded with the snapshot (DESIGN §4.4), in the order given.
  public var evidence: [EvidenceFile]

  public init(
    metadata: SnapshotMetadata, runs: [RunRecord], subjects: [Subject], sites: [ObjectSite],
    edges: [Edge], evidence: [EvidenceFile] = []
  ) {
    self.metadata = metadata
    self.runs = runs
    self.subjects = subjects
    self.sites = sites
    self.edges = edges
    self.evidence = evidence
  }
}

/// A file of kR^X evidence as recorded: its text, decompressed, kept whole so
/// that later checks read exactly what the kernel printed.
public struct EvidenceFile: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// A `/proc/kallsyms` of one boot or a `System.map` of one build.
    case layout
    /// The kernel `.config`.
    case config
    /// `/proc/cmdline`.
    case cmdline
    /// `/sys/kernel/debug/page_tables/kernel`.
    case ptdump
    /// The boot log, for its W+X verdict.
    case dmesg
    /// vmlinux's section headers, as `ELFSections` writes them.
    case sections
  }

  public var kind: Kind
  /// The file as named when recording.
  public var name: String
  public var bytes: [UInt8]

  /// Kernel evidence runs to megabytes; a reader trusts no size past this.
  public static let maximumSize = 1 << 30

  public init(kind: Kind, name: String, bytes: [UInt8]) {
    self.kind = kind
    self.name = name
    self.bytes = bytes
  }
}

/// What a snapshot was made from.
public struct SnapshotMetadata: Sendable, Equatable {
  public var workload: String
  public var toolVersion: String
  /// `System.map`, `kallsyms` or `vmlinux`.
  public var symbolSource: String
  /// The symbol file as named when recording.
  public var symbolFile: String
  /// Whether subjects carry source files (DWARF) or names only.
  public var hasFileInformation: Bool
  /// The kernel commit the snapshot is keyed to, when recorded against a repository.
  public var commit: CommitMetadata?

  public init(
    workload: String, toolVersion: String, symbolSource: String, symbolFile: String,
    hasFileInformation: Bool, commit: CommitMetadata? = nil
  ) {
    self.workload = workload
    self.toolVersion = toolVersion
    self.symbolSource = symbolSource
    self.symbolFile = symbolFile
    self.hasFileInformation = hasFileInformation
    self.commit = commit
  }
}

/// The kernel commit of a snapshot, as libgit2 read it when recording.
public struct CommitMetadata: Sendable, Equatable, Codable {
  /// The full commit id, 40 hex digits.
  public var oid: String
  /// `git describe --tags` of the commit.
  public var describe: String
  /// VERSION.PATCHLEVEL.SUBLEVEL EXTRAVERSION from the Makefile at the commit.
  public var kernelVersion: String?
  public var subject: String

  public init(oid: String, describe: String, kernelVersion: String?, subject: String) {
    self.oid = oid
    self.describe = describe
    self.kernelVersion = kernelVersion
    self.subject = subject
  }
}

/// One run of the workload: the kmap file(s) it was read from.
public struct RunRecord: Sendable, Equatable {
  public var inputs: [KmapFileReport]

  public init(inputs: [KmapFileReport]) { self.inputs = inputs }

  /// The digests of its files (both halves of a split kmap), nil when one
  /// has none: what tells a run copied twice from two runs.
  public var identity: String? {
    let digests = inputs.map(\.digest)
    return digests.contains(nil) ? nil : digests.compactMap { $0 }.joined(separator: "+")
  }
}

/// The code that made an access: a kernel function.
public struct Subject: Sendable, Hashable, Comparable {
  /// The function name, or `unknown+0xADDR` for an address in no known function.
  public var function: String
  /// Source file relative to the kernel tree, when DWARF gave it.
  public var file: String?
  /// The loadable module, for module symbols.
  public var module: String?

  public init(function: String, file: String?, module: String?) {
    self.function = function
    self.file = file
    self.module = module
  }

  public var isUnresolved: Bool { function.hasPrefix(unresolvedPrefix) }

  public static func < (a: Subject, b: Subject) -> Bool {
    // Field by field, the later ones only on a tie: a snapshot's subjects
    // are sorted by this, and most differ in name.
    let byFunction = a.function.compareBytes(b.function)
    if byFunction != 0 { return byFunction < 0 }
    let byFile = (a.file ?? "").compareBytes(b.file ?? "")
    if byFile != 0 { return byFile < 0 }
    return (a.module ?? "").bytesPrecede(b.module ?? "")
  }
}

extension Subject: PrefixOrdered {
  var orderPrefix: OrderPrefix { function.orderPrefix }
}

/// The name given to an address no symbol covers.
let unresolvedPrefix = "unknown+0x"

/// What was accessed, identified across kernel versions (never by address).
public struct ObjectSite: Sendable, Hashable, Comparable {
  public enum Kind: UInt8, Sendable, Comparable {
    /// A dynamic allocation: by allocating function, type and slab cache.
    case heap = 0
    /// A global variable, by its symbol.
    case global = 1
    /// Memory with no meaningful owner (stack, untracked, preallocated).
    case pseudo = 2

    public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
  }

  public var kind: Kind
  /// The allocating function, the global's symbol, or the pseudo-site's name.
  public var name: String
  /// The allocating function's (or global's) source file, when known.
  public var file: String?
  public var allocType: AllocType?
  /// The slab cache, nil for `no-slab`.
  public var slab: String?

  public init(kind: Kind, name: String, file: String?, allocType: AllocType?, slab: String?) {
    self.kind = kind
    self.name = name
    self.file = file
    self.allocType = allocType
    self.slab = slab
  }

  public static func < (a: ObjectSite, b: ObjectSite) -> Bool {
    if a.kind != b.kind { return a.kind < b.kind }
    let byName = a.name.compareBytes(b.name)
    if byName != 0 { return byName < 0 }
    let byFile = (a.file ?? "").compareBytes(b.file ?? "")
    if byFile != 0 { return byFile < 0 }
    let (typeA, typeB) = (a.allocType?.rawValue ?? 0xFF, b.allocType?.rawValue ?? 0xFF)
    if typeA != typeB { return typeA < typeB }
    return (a.slab ?? "").bytesPrecede(b.slab ?? "")
  }

  /// `sk_alloc [KMEM_CACHE, TCP]`, `init_task [global]`, `[stack]`; a
  /// global Memorizer did not see defined, `init_task [UFO_GLOBAL]`, apart.
  public var label: String {
    switch kind {
    case .pseudo: return name
    case .global: return allocType == .ufoGlobal ? "\(name) [UFO_GLOBAL]" : "\(name) [global]"
    case .heap:
      var parts = [allocType?.name ?? "type unknown"]
      if let slab { parts.append(slab) }
      return "\(name) [\(parts.joined(separator: ", "))]"
    }
  }
}

extension ObjectSite: PrefixOrdered {
  /// The kind, then the first 31 bytes of the name.
  var orderPrefix: OrderPrefix { name.orderPrefix.after(kind.rawValue) }
}

/// Names of the pseudo-sites (DESIGN §2).
public enum PseudoSite {
  public static let stack = "[stack]"
  public static let preallocated = "[preallocated]"
  /// Untracked objects, by Memorizer's type: `[untracked UFO_HEAP]`.
  public static func untracked(_ type: AllocType?) -> String {
    "[untracked \(type?.name ?? "type unknown")]"
  }
}

/// A subject's accesses to one object site.
public struct Edge: Sendable, Equatable {
  public var subject: Int
  public var site: Int
  public var reads: UInt64
  public var writes: UInt64
  /// Distinct objects of the site the subject touched.
  public var objects: UInt64
  /// In how many runs the edge was seen.
  public var runs: Int
  /// Line of the subject's lowest accessing instruction, when DWARF gave it.
  public var line: Int?

  public init(
    subject: Int, site: Int, reads: UInt64, writes: UInt64, objects: UInt64, runs: Int, line: Int?
  ) {
    self.subject = subject
    self.site = site
    self.reads = reads
    self.writes = writes
    self.objects = objects
    self.runs = runs
    self.line = line
  }
}
