public import ArgumentParser
#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import Git
import Input
import Kmap
import Snapshot
import Store
import Symbols

extension KmapFormat: ExpressibleByArgument {}

extension Capdiff {
  /// `capdiff record`: kmaps of one workload → a snapshot file.
  struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record Memorizer kmaps of one workload into a CAPMAP snapshot.",
      discussion: """
        Each KMAP is one run of the workload: a kmap file (plain, gzip or zstd; - for \
        standard input), or a directory holding a split kmap ('allocations' and \
        'accesses'), or an allocations file followed by its accesses file.

        The snapshot is keyed to the commit --rev names in --repo and kept in the \
        store (--store: a directory, baselines/ by default, or git-notes). Recording \
        another run of the same commit and workload adds it to the snapshot; \
        --replace starts the snapshot anew. With --out, the snapshot goes to that \
        file instead, keyed to a commit only when --repo or --rev names one.

        Examples:
          capdiff record --repo ~/src/linux --rev v6.12 --symbols vmlinux \\
              --workload ltp run1.kmap run2.kmap.zst
          capdiff record --repo ~/src/linux --rev HEAD --store git-notes \\
              --symbols System.map --workload boot kmap.gz
          capdiff record --symbols /proc/kallsyms --workload boot \\
              --out boot.capmap - < kmap
        """)

    @OptionGroup(title: "Kernel repository") var repository: RepositoryOptions
    @OptionGroup(title: "Store") var store: StoreOptions
    @OptionGroup(title: "kR^X evidence") var evidence: EvidenceOptions

    @Flag(help: "Replace the stored snapshot of this commit and workload instead of adding runs to it.")
    var replace = false

    @Option(help: "Symbols: a vmlinux (ELF, DWARF for files and lines), a System.map, or a copy of /proc/kallsyms.")
    var symbols: String

    @Option(help: "Name of the workload the kmaps traced (ltp, boot, …).")
    var workload: String

    @Option(name: .shortAndLong, help: "Write the snapshot to this file instead of the store.")
    var out: String?

    @Option(help: "Force a kmap layout (current, legacy, allocations, accesses) instead of detecting it.")
    var kmapFormat: KmapFormat?

    @Flag(help: "Skip malformed kmap lines, reporting how many and the first few, instead of failing.")
    var lenient = false

    @Option(
      name: .customLong("strip-prefix"),
      help: "A build path prefix to remove from DWARF source paths (repeatable).")
    var stripPrefixes: [String] = []

    @Option(help: "Parallel parsing tasks per file (default: the number of cores).")
    var jobs: Int?

    @Argument(help: "Kmap files, one run each (see above).")
    var kmaps: [String]

    func validate() throws {
      guard !kmaps.isEmpty else { throw ValidationError("Give at least one KMAP file.") }
      if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs must be from 1 to 1024.") }
      if kmaps.filter({ $0 == "-" }).count + (symbols == "-" ? 1 : 0) > 1 {
        throw ValidationError("Standard input (-) can be read once only: give it as the symbols or as one kmap.")
      }
      if out != nil, replace { throw ValidationError("--replace applies to the store; --out always writes a new file.") }
      if out != nil, evidence.configPath != nil, !namesCommit {
        throw ValidationError("--config-path reads the tree at a commit: with --out, name it with --repo/--rev, or give --config instead.")
      }
    }

    /// Whether the snapshot is keyed to a commit: always in the store; with
    /// --out, when the command line gives --repo or --rev.
    private var namesCommit: Bool { out == nil || repository.namesCommit }

    func run() async throws {
      // Shown on terminals and made a file name in the store, with --out too.
      try Workload.validate(workload, store: out ?? "--workload")
      let runs = try RunInputs.group(kmaps)
      if let out {
        // A typo such as `--out run1.kmap run2.kmap` must not cost a traced run.
        let inputs = runs.flatMap(\.paths) + [symbols] + evidence.layouts + [evidence.config, evidence.cmdline, evidence.ptdump, evidence.dmesg].compactMap { $0 }
        if let input = inputs.first(where: { InputFile.isSameFile(out, $0) }) {
          throw InputError(.refusedInput, file: out, "is \(input), an input of this command: --out would overwrite it; give another path")
        }
      }
      let repo = namesCommit ? try repository.open() : nil
      let commit = try repo?.resolve(repository.rev)
      // Parsed before the kmaps are read, so bad evidence fails fast.
      let evidenceFiles = try EvidenceFiles.read(
        layouts: evidence.layouts, config: evidence.config, cmdline: evidence.cmdline, ptdump: evidence.ptdump,
        dmesg: evidence.dmesg, vmlinux: LoadedSymbols.isELF(path: symbols) ? symbols : nil,
        configAtCommit: evidence.configPath.flatMap { path in repo.flatMap { r in commit.map { (path, r, $0) } } }
      ).files
      var snapshot = try await Recording.snapshot(
        runs: runs, symbols: symbols, stripPrefixes: stripPrefixes, workload: workload, format: kmapFormat,
        lenient: lenient, jobs: jobs)
      snapshot.evidence = evidenceFiles
      if let repo, let commit { try Recording.key(&snapshot, to: commit, in: repo) }
      if let out {
        try SnapshotFile.write(snapshot, to: out)
        let summary = SnapshotSummary(snapshot)
        Terminal.note(
          "recorded \(out): \(SummaryText.plural(summary.runs, "run")), \(SummaryText.plural(summary.totals.edges, "edge")), \(SummaryText.plural(summary.totals.subjects, "subject")), \(SummaryText.plural(summary.totals.sites, "object site"))"
        )
        return
      }
      guard let repo, let commit else { return }
      let snapshots = try store.open(repository: repo)
      let stored = try Recording.store(snapshot, commit: commit, workload: workload, replace: replace, into: snapshots)
      Terminal.note(
        "recorded \(workload) at \(stored.metadata.commit?.describe ?? commit.hex) (\(commit.abbreviated())) in \(snapshots.name): \(stored.runs.count) run\(stored.runs.count == 1 ? "" : "s"), \(stored.edges.count) edges"
      )
    }
  }
}

/// Kmaps of one workload into a snapshot keyed to a commit and stored: what
/// `record` does and what `gate --record` does for the head.
enum Recording {
  /// Reads the runs' kmaps (`RunInputs.group` of the arguments) against
  /// `symbols`, reporting cut lines and skipped lines as it goes.
  static func snapshot(
    runs: [RunInput], symbols: String, stripPrefixes: [String], workload: String, format: KmapFormat?, lenient: Bool,
    jobs: Int?
  ) async throws -> Snapshot {
    if let format, runs.contains(where: { if case .split = $0 { true } else { false } }) {
      throw ValidationError(
        "--kmap-format \(format.rawValue) applies to single kmaps; a split kmap is read as its allocations and accesses files.")
    }
    let loaded = try LoadedSymbols(path: symbols, stripPrefixes: stripPrefixes)
    let options = RecordOptions(
      workload: workload, toolVersion: Capdiff.version, format: format, lenient: lenient,
      workers: jobs ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let snapshot = try await SnapshotRecorder.record(runs: runs, symbols: loaded, options: options)
    for input in snapshot.runs.flatMap(\.inputs) {
      if let cut = input.cutLine { Terminal.diagnostic(cut) }
      if input.skippedLines > 0 {
        for problem in input.problems { Terminal.diagnostic(problem) }
        Terminal.note("\(input.file): skipped \(input.skippedLines) line\(input.skippedLines == 1 ? "" : "s")")
      }
    }
    // Most accesses in no known function: the kmap and the symbols do not
    // belong together, which would otherwise pass unnoticed with exit 0.
    let unresolved = SnapshotSummary(snapshot, top: 0).unresolved.accessShare
    if unresolved > 0.5 {
      Terminal.diagnostic(
        Diagnostic(
          .warning, file: symbols,
          "\(Int((unresolved * 100).rounded()))% of the accesses lie in no function it knows: were the kmap's addresses hashed (boot with no_hash_pointers), or are these the symbols of another kernel?"
        ))
    }
    // DWARF whose units read but whose contents do not leaves functions
    // without files: their components would be [unknown], in silence.
    if snapshot.metadata.hasFileInformation {
      let named = snapshot.subjects.filter { !$0.isUnresolved && $0.module == nil }
      let fileless = named.filter { $0.file == nil }.count
      if named.count >= 10, fileless * 2 > named.count {
        Terminal.diagnostic(
          Diagnostic(
            .warning, file: symbols,
            "\(fileless) of the \(named.count) functions met have no source file in its DWARF: is it damaged, or were their files built without -g? Their components are [unknown]"
          ))
      }
    }
    return snapshot
  }

  /// Keys `snapshot` to `commit`: full id, describe, subject, kernel version.
  static func key(_ snapshot: inout Snapshot, to commit: OID, in repo: Repository) throws {
    let info = try repo.commit(commit)
    let makefile = try repo.file("Makefile", at: commit).map { String(decoding: $0, as: UTF8.self) }
    snapshot.metadata.commit = CommitMetadata(
      oid: commit.hex, describe: try repo.describe(commit), kernelVersion: makefile.flatMap(KernelVersion.parse),
      subject: info.subject)
  }

  /// Why runs of `new` cannot join those of `stored`, if they cannot:
  /// subjects named from other symbols (System.map's names only against a
  /// vmlinux's names and files) would never match, and every edge would
  /// count as seen in one run of two.
  static func symbolMismatch(stored: Snapshot, new: Snapshot) -> String? {
    let (old, new) = (stored.metadata, new.metadata)
    guard old.symbolSource != new.symbolSource || old.hasFileInformation != new.hasFileInformation else { return nil }
    func source(_ metadata: SnapshotMetadata) -> String {
      metadata.symbolSource + (metadata.hasFileInformation ? " (with DWARF)" : "")
    }
    return "were symbolized with \(source(old)) and this one with \(source(new)); their subjects would not match"
  }

  /// Stores `recorded`, adding its runs to a stored snapshot of the same
  /// commit and workload unless `replace`; the same kmap twice is refused.
  static func store(
    _ recorded: Snapshot, commit: OID, workload: String, replace: Bool, into snapshots: SnapshotStore
  ) throws -> Snapshot {
    try snapshots.update(commit: commit.hex, workload: workload) { existing in
      guard let existing, !replace else { return recorded }
      if let mismatch = symbolMismatch(stored: existing, new: recorded) {
        throw StoreError(
          store: snapshots.name,
          "the runs stored for \(workload) at \(commit.abbreviated()) \(mismatch): record with the same kind of symbols, or use --replace")
      }
      let repeated = existing.inputDigests.intersection(recorded.inputDigests)
      if !repeated.isEmpty {
        throw StoreError(
          store: snapshots.name,
          "this kmap is already recorded for \(workload) at \(commit.abbreviated()) (\(repeated.sorted().joined(separator: ", "))); record another run, or use --replace"
        )
      }
      return existing.adding(runsOf: recorded)
    }
  }
}

/// Groups KMAP arguments into runs: split kmaps take a directory or two files.
enum RunInputs {
  static func group(_ arguments: [String]) throws -> [RunInput] {
    var runs: [RunInput] = []
    var index = 0
    while index < arguments.count {
      let path = arguments[index]
      index += 1
      if isDirectory(path) {
        runs.append(try splitPair(in: path))
        continue
      }
      // Only a regular file is peeked at: a pipe would lose what the peek read.
      if InputFile.isRegularFile(path), try KmapFormatProbe.format(of: path) == .allocations {
        guard index < arguments.count else {
          throw InputError(
            .unsupportedFormat, file: path,
            "is the allocations half of a split kmap; give its accesses file right after it")
        }
        runs.append(.split(allocations: path, accesses: arguments[index]))
        index += 1
        continue
      }
      runs.append(.kmap(path))
    }
    return runs
  }

  private static func splitPair(in directory: String) throws -> RunInput {
    func find(_ name: String) throws -> String {
      for suffix in ["", ".gz", ".zst"] {
        let path = "\(directory)/\(name)\(suffix)"
        if access(path, R_OK) == 0 { return path }
      }
      throw InputError(
        .io, file: directory,
        "is a directory without a readable '\(name)' file; a split kmap directory holds 'allocations' and 'accesses'")
    }
    return .split(allocations: try find("allocations"), accesses: try find("accesses"))
  }

  private static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }
}

/// Reads the first chunk of a kmap to tell its layout.
enum KmapFormatProbe {
  static func format(of path: String) throws -> KmapFormat {
    let reader = ChunkReader(file: try InputFile(path: path), chunkSize: 1 << 16)
    guard let chunk = try reader.next() else {
      throw InputError(.unsupportedFormat, file: path, "is empty: expected a Memorizer kmap")
    }
    return try KmapDetection.detect(chunk.bytes.span, file: path, forced: nil).format
  }
}
