import ArgumentParser
import Foundation
import Git
import Snapshot
import Store

extension Capdiff {
  /// `capdiff store`: look after the snapshot store.
  struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "store",
      abstract: "List, check, remove, export and import stored snapshots.",
      subcommands: [List.self, ShowEntry.self, Verify.self, Remove.self, Export.self, Import.self])

    /// Options every store subcommand shares.
    struct Options: ParsableArguments {
      @Option(help: "The kernel git repository (for git-notes and revisions).")
      var repo: String = "."

      @OptionGroup(title: "Store") var store: StoreOptions

      func open() throws -> SnapshotStore { try store.open(repository: try Repository(opening: repo)) }
    }

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List stored snapshots: commit, describe, workload, runs, size, date.",
        discussion: "Example:\n  capdiff store ls --store baselines --format json")
      @OptionGroup var options: Options
      @Option(help: "Output format: text or json.") var format: OutputFormat = .text

      func run() throws {
        let entries = try options.open().list()
        switch format {
        case .json:
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
          Terminal.output(String(decoding: try encoder.encode(entries), as: UTF8.self))
        case .text:
          if entries.isEmpty { Terminal.note("no snapshots in \(try options.open().name)") }
          for e in entries {
            let date = e.date == 0 ? "-" : ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(e.date)))
            let runs = e.damaged ? "damaged (capdiff store verify says why)" : "\(e.runs) run\(e.runs == 1 ? " " : "s")"
            Terminal.output(
              "\(e.commit.prefix(12))  \((e.describe ?? "?").padded(24)) \(e.workload.padded(16)) \(runs)  \(String(e.size).padded(9)) B  \(date)")
          }
        }
      }
    }

    struct ShowEntry: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Summarise the stored snapshot of a revision (as 'capdiff show').",
        discussion: "Example:\n  capdiff store show --workload ltp v6.12")
      @OptionGroup var options: Options
      @Option(help: "Workload, when the revision has several.") var workload: String?
      @Argument(help: "Revision.") var revision: String

      func run() throws {
        let snapshot = try SnapshotLocator.load(revision, repository: options.repo, store: options.store, workload: workload)
        Terminal.output(SummaryText.render(SnapshotSummary(snapshot), path: revision))
      }
    }

    struct Verify: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Read every stored snapshot in full and name each damaged one.",
        discussion: "Exit status 1 when any is damaged.\nExample:\n  capdiff store verify --store baselines")
      @OptionGroup var options: Options

      func run() throws {
        let store = try options.open()
        var bad = 0
        let entries = try store.entries()
        for entry in entries {
          do {
            let snapshot = try SnapshotCodec.decode(entry.bytes, file: "\(entry.commit)/\(entry.workload)")
            try checkKey(snapshot, commit: entry.commit, workload: entry.workload, in: "\(store.name) \(entry.commit)/\(entry.workload)")
          } catch {
            bad += 1
            Terminal.error("\(store.name): \(entry.commit) \(entry.workload): \(error)")
          }
        }
        Terminal.note("\(entries.count - bad) of \(entries.count) snapshots in \(store.name) are sound")
        if bad > 0 { throw ExitCode(1) }
      }
    }

    struct Remove: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove the stored snapshot of a revision and workload.",
        discussion: "Example:\n  capdiff store rm --workload ltp v6.12-rc1")
      @OptionGroup var options: Options
      @Option(help: "Workload.") var workload: String
      @Argument(help: "Revision.") var revision: String

      func run() throws {
        let commit = try Repository(opening: options.repo).resolve(revision)
        let store = try options.open()
        guard try store.remove(commit: commit.hex, workload: workload) else {
          throw StoreError(store: store.name, "no snapshot of \(workload) at \(revision) (\(commit.abbreviated()))")
        }
        Terminal.note("removed \(workload) at \(revision) (\(commit.abbreviated())) from \(store.name)")
      }
    }

    struct Export: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Write every stored snapshot to one archive file, or copy them into another store.",
        discussion: """
          Examples:
            capdiff store export --store baselines snapshots.capstore
            capdiff store export --store baselines --to-store git-notes \\
                --repo ~/src/linux
          """)
      @OptionGroup var options: Options
      @Option(help: "Copy into this store (a directory or git-notes) instead of writing an archive.")
      var toStore: String?
      @Argument(help: "Archive file to write.") var archive: String?

      func validate() throws {
        guard (toStore == nil) != (archive == nil) else { throw ValidationError("Give an ARCHIVE file or --to-store, one of them.") }
      }

      func run() throws {
        let source = try options.open()
        let entries = try source.entries()
        // What is exported is read as every reader reads it: a damaged or
        // misplaced snapshot is named here, not when the archive is imported.
        for entry in entries {
          let place = "\(source.name) \(entry.commit)/\(entry.workload)"
          try checkKey(SnapshotCodec.decode(entry.bytes, file: place), commit: entry.commit, workload: entry.workload, in: place)
        }
        if let archive {
          try AtomicFile.write(SnapshotArchive(entries: entries).encode(), to: archive)
          Terminal.note("exported \(entries.count) snapshot\(entries.count == 1 ? "" : "s") from \(source.name) to \(archive)")
          return
        }
        var target = options.store
        target.store = toStore!
        try StoreCopy.copy(entries, into: try target.open(repository: try Repository(opening: options.repo)))
      }
    }

    struct Import: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Read snapshots from an archive file (or another store) into this store; runs of a snapshot already there are added.",
        discussion: """
          Examples:
            capdiff store import --store git-notes --repo ~/src/linux snapshots.capstore
            capdiff store import --store baselines --from-store git-notes \\
                --repo ~/src/linux
          """)
      @OptionGroup var options: Options
      @Option(help: "Copy from this store (a directory or git-notes) instead of an archive.")
      var fromStore: String?
      @Flag(help: "Replace snapshots already in the store instead of adding runs to them.") var replace = false
      @Argument(help: "Archive file to read.") var archive: String?

      func validate() throws {
        guard (fromStore == nil) != (archive == nil) else { throw ValidationError("Give an ARCHIVE file or --from-store, one of them.") }
      }

      func run() throws {
        let entries: [SnapshotArchive.Entry]
        if let archive {
          entries = try SnapshotArchive.decode(try AtomicFile.read(archive), file: archive).entries
        } else {
          var source = options.store
          source.store = fromStore!
          entries = try source.open(repository: try Repository(opening: options.repo)).entries()
        }
        try StoreCopy.copy(
          entries, into: try options.open(), replace: replace, replaceHint: "import with --replace to keep the imported one")
      }
    }
  }
}

/// Copies archive entries into a store, checking each and merging runs.
enum StoreCopy {
  /// `replaceHint`: how the user could overrule a refusal, when the command offers a way.
  static func copy(
    _ entries: [SnapshotArchive.Entry], into store: SnapshotStore, replace: Bool = false, replaceHint: String? = nil
  ) throws {
    // Every entry is merged, with the store's snapshot and with earlier
    // entries of its commit and workload, before any is written: a refused
    // copy leaves the store as it was.
    struct Key: Hashable {
      var commit: String
      var workload: String
    }
    var order: [Key] = []
    var results: [Key: Snapshot] = [:]
    // The runs the store held for each key before the copy.
    var storedRuns: [Key: [String?]] = [:]
    for entry in entries {
      let key = Key(commit: entry.commit, workload: entry.workload)
      let snapshot = try SnapshotCodec.decode(entry.bytes, file: "\(entry.commit)/\(entry.workload)")
      try checkKey(snapshot, commit: entry.commit, workload: entry.workload, in: "\(entry.commit)/\(entry.workload)")
      var earlier = results[key]
      if earlier == nil {
        order.append(key)
        earlier = replace ? nil : try store.snapshot(commit: entry.commit, workload: entry.workload)
        storedRuns[key] = earlier.map { $0.runs.map(\.identity) }
      }
      results[key] = try earlier.map { try merged($0, snapshot, entry, replaceHint: replaceHint) } ?? snapshot
    }
    // A snapshot whose runs the store holds already is left as it is.
    let changed = order.filter { key in storedRuns[key] != results[key]!.runs.map(\.identity) }
    for key in changed {
      try store.update(commit: key.commit, workload: key.workload) { _ in results[key]! }
    }
    let held = order.count - changed.count
    Terminal.note(
      "copied \(changed.count) snapshot\(changed.count == 1 ? "" : "s") into \(store.name)"
        + (held == 0 ? "" : "; \(held) \(held == 1 ? "was" : "were") there already, with the same runs"))
  }

  /// The stored snapshot with the copied one's runs. The same runs copied
  /// twice are not new runs; a snapshot's counts are summed over its runs,
  /// so runs shared by both cannot be taken out of either: the one holding
  /// every run of the other stays.
  private static func merged(
    _ existing: Snapshot, _ copied: Snapshot, _ entry: SnapshotArchive.Entry, replaceHint: String?
  ) throws -> Snapshot {
    func refuse(_ why: String) -> CommandFailure {
      CommandFailure("\(entry.commit)/\(entry.workload): \(why)\(replaceHint.map { ": \($0)" } ?? "")")
    }
    if let mismatch = Recording.symbolMismatch(stored: existing, new: copied) {
      throw refuse("the stored runs \(mismatch)")
    }
    let (stored, incoming) = (Set(existing.runs.compactMap(\.identity)), Set(copied.runs.compactMap(\.identity)))
    if !incoming.isEmpty, stored.isSuperset(of: incoming) { return existing }
    if !stored.isEmpty, incoming.isSuperset(of: stored) { return copied }
    guard stored.isDisjoint(with: incoming) else {
      let shared = stored.intersection(incoming).count
      throw refuse(
        "the stored snapshot and the copied one share \(shared) run\(shared == 1 ? "" : "s") but each has others; merged, the shared runs would count twice")
    }
    return existing.adding(runsOf: copied)
  }
}
