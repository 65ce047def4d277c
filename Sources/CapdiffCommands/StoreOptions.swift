import ArgumentParser
import Foundation
import Git
import Input
import Snapshot
import Store

/// `--store`: a directory of snapshots, or the repository's git notes.
struct StoreOptions: ParsableArguments {
  @Option(help: "Snapshot store: a directory (default baselines/) or git-notes (refs/notes/capdiff in --repo).")
  var store: String = "baselines"

  /// Opens the store; git notes need the repository.
  func open(repository: @autoclosure () throws -> Repository) throws -> SnapshotStore {
    if store == "git-notes" {
      let signature = Signature(
        name: "capdiff", email: "capdiff@localhost", time: Int64(Date().timeIntervalSince1970))
      return NotesStore(repository: try repository(), signature: signature)
    }
    // Run from a subdirectory of the kernel tree the command works on, a
    // relative store that is not here belongs at the top of that tree, to be
    // found or made there, as git finds its own repository. Inside some other
    // checkout, it stays where the user is.
    if !store.hasPrefix("/"), !FileManager.default.fileExists(atPath: store),
      let here = try? Repository(opening: "."), let top = here.workTree,
      let kernel = try? repository(), kernel.commonDirectory == here.commonDirectory
    {
      return DirectoryStore(path: "\(top)/\(store)")
    }
    return DirectoryStore(path: store)
  }
}

/// Finds a snapshot named on the command line: a snapshot file, or a
/// revision whose snapshot is in the store.
enum SnapshotLocator {
  static func load(_ argument: String, repository: String, store: StoreOptions, workload: String?) throws -> Snapshot {
    guard argument != "-" else {
      throw InputError(.io, file: "-", "a snapshot is read from a file or the store, not from standard input: give its path or a revision")
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
      guard !isDirectory.boolValue else {
        throw InputError(.io, file: argument, "is a directory: expected a snapshot file or a revision")
      }
      return try SnapshotFile.read(argument)
    }
    if argument.hasSuffix(".capmap") || argument.hasPrefix("/") || argument.hasPrefix("./") {
      throw InputError(.io, file: argument, "no such snapshot file (and a path is not a revision)")
    }
    let repo = try Repository(opening: repository)
    let commit = try repo.resolve(argument)
    let snapshots = try store.open(repository: repo)
    let workload = try workload ?? onlyWorkload(at: commit, in: snapshots, revision: argument)
    guard let snapshot = try snapshots.snapshot(commit: commit.hex, workload: workload) else {
      throw CommandFailure(
        "No snapshot of workload '\(workload)' at \(argument) (\(commit.abbreviated())) in \(snapshots.name); record one with 'capdiff record --rev \(argument) --workload \(workload) …'."
      )
    }
    return snapshot
  }

  private static func onlyWorkload(at commit: OID, in store: SnapshotStore, revision: String) throws -> String {
    let workloads = try store.list().filter { $0.commit == commit.hex }.map(\.workload)
    guard workloads.count == 1 else {
      if workloads.isEmpty {
        throw CommandFailure("No snapshot at \(revision) (\(commit.abbreviated())) in \(store.name), and no file of that name.")
      }
      throw ValidationError("\(revision) has snapshots of several workloads (\(workloads.joined(separator: ", "))); choose one with --workload.")
    }
    return workloads[0]
  }
}
