import ArgumentParser
import Foundation
import Git
import SampleKernel
import Store
import Symbols

/// The bundled sample history: each folder of sample/kernel is a commit,
/// its files laid over the previous tree; `commit.txt` gives the subject, an
/// optional tag and the KASLR slides of three boots; `trace.txt` (optional)
/// the workload's accesses.
enum DemoHistory {
  struct Step {
    var name: String
    var subject: String
    var tag: String?
    var slides: [UInt64]
    /// FUNCTION SITE SLAB READS WRITES [RUNS], one access a line.
    var trace: [[String]]?
    var files: [String: [UInt8]]
  }

  struct Built {
    var step: Step
    var oid: OID
    var vmlinux: String
    var kmaps: [String]
    var layouts: [String]
  }

  static let runs = 3

  static func load(_ folder: String) throws -> [Step] {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
    return try names.map { name in
      let root = "\(folder)/\(name)"
      var fields: [String: String] = [:]
      for line in try String(contentsOfFile: "\(root)/commit.txt", encoding: .utf8).split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      var files: [String: [UInt8]] = [:]
      let enumerator = FileManager.default.enumerator(atPath: root)
      while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: "\(root)/\(relative)", isDirectory: &isDirectory), !isDirectory.boolValue,
          relative != "commit.txt", relative != "trace.txt"
        else { continue }
        files[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(relative)")))
      }
      let trace = try? String(contentsOfFile: "\(root)/trace.txt", encoding: .utf8).split(separator: "\n")
        .filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
      return Step(
        name: name, subject: fields["subject"] ?? name, tag: fields["tag"],
        slides: (fields["slides"] ?? "").split(separator: " ").compactMap { UInt64($0.dropFirst(2), radix: 16) },
        trace: trace, files: files)
    }
  }

  /// Commits the steps with fixed signatures (the same history, the same
  /// commit ids, on every machine), and builds each commit's kernel, kmaps
  /// and kallsyms under `work`.
  static func build(_ steps: [Step], in work: String) throws -> [Built] {
    let repository = try Repository.create(at: "\(work)/linux")
    var tree: [String: [UInt8]] = [:]
    var parent: [OID] = []
    var built: [Built] = []
    for (index, step) in steps.enumerated() {
      tree.merge(step.files) { _, new in new }
      let signature = Signature(
        name: "capdiff demo", email: "demo@capdiff.invalid", time: 1_672_531_200 + Int64(index) * 86_400)
      let oid = try repository.commit(files: tree, message: step.subject, parents: parent, signature: signature)
      if let tag = step.tag { try repository.tag(tag, at: oid) }
      parent = [oid]

      let source = "\(work)/tree-\(index)"
      for (path, bytes) in tree {
        let file = "\(source)/\(path)"
        try FileManager.default.createDirectory(
          atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
      }
      let elf = try SampleELF(
        tree: source, sources: tree.keys.filter { $0.hasSuffix(".c") }, objects: "\(work)/obj-\(index)",
        output: "\(work)/vmlinux-\(index)")
      var kmaps: [String] = []
      if let trace = step.trace {
        let accesses = try accessAddresses(vmlinux: elf.path)
        for run in 1...runs {
          let path = "\(work)/kmap-\(index)-run\(run)"
          try kmap(trace, run: run, symbols: elf.symbols, accesses: accesses).write(
            toFile: path, atomically: true, encoding: .utf8)
          kmaps.append(path)
        }
      }
      let layouts = try step.slides.enumerated().map { boot, slide in
        let path = "\(work)/kallsyms-\(index)-boot\(boot + 1)"
        try kallsyms(elf.symbols, slide: slide).write(toFile: path, atomically: true, encoding: .utf8)
        return path
      }
      built.append(Built(step: step, oid: oid, vmlinux: elf.path, kmaps: kmaps, layouts: layouts))
    }
    return built
  }

  /// One run of the workload as Memorizer prints it: an object line per
  /// access in the trace (allocated by SITE), then its access line. Each run
  /// has its own tasks, objects and allocation indexes, as real runs do.
  static func kmap(_ trace: [[String]], run: Int, symbols: [String: UInt64], accesses: [String: UInt64]) throws -> String {
    var out = ""
    for (number, access) in trace.enumerated() {
      guard access.count >= 5, let function = accesses[access[0]] ?? symbols[access[0]].map({ $0 + 4 }), let site = symbols[access[1]]
      else {
        throw ValidationError("sample trace line '\(access.joined(separator: " "))': expected FUNCTION SITE SLAB READS WRITES [RUNS] naming functions of the sample kernel")
      }
      if access.count > 5, !access[5].split(separator: ",").contains(Substring(String(run))) { continue }
      let pid = 200 + number + 1000 * (run - 1)
      let object = 0xffff_8880_0100_0000 + UInt64(run) << 24 + UInt64(number) * 0x1000
      out += "\(String(site + 4, radix: 16)),\(pid),\(String(object, radix: 16)),256,\(100 + number + 1000 * (run - 1)),0,0,KMEM_CACHE,demo-workload,\(access[2]),\n"
      out += "  \(String(function, radix: 16)),\(access[4]),\(access[3]),\(pid)\n"
    }
    return out
  }

  /// Where each function of the sample kernel touches its objects: the first
  /// instruction of its last statement (every sample function ends with the
  /// statement that reads or writes them), so that evidence points at that
  /// line rather than at the opening brace.
  static func accessAddresses(vmlinux: String) throws -> [String: UInt64] {
    let symbols = try LoadedSymbols(path: vmlinux)
    guard let debug = symbols.debugInfo else { throw ValidationError("the sample kernel \(vmlinux) has no DWARF") }
    let functions = symbols.table.functions.filter { $0.end > $0.start + 1 }
    // Every byte of every function asked at once, as lines(at:) is made to be asked.
    let everyAddress = functions.flatMap { Array($0.start..<$0.end) }
    let everyLine = debug.lines(at: everyAddress)
    var addresses: [String: UInt64] = [:]
    var offset = 0
    for function in functions {
      let count = Int(function.end - function.start)
      defer { offset += count }
      let lines = everyLine[offset..<offset + count]
      // The closing brace holds the last instructions; the statement before it is the one wanted.
      guard let closing = lines.last ?? nil, let last = lines.compactMap({ $0 }).filter({ $0 < closing }).max(),
        let index = lines.firstIndex(of: last)
      else { continue }
      addresses[function.name] = everyAddress[index]
    }
    return addresses
  }

  /// A boot's /proc/kallsyms: the image slid by `slide`, code below
  /// `_etext` as `T`, the rest as `D`.
  static func kallsyms(_ symbols: [String: UInt64], slide: UInt64) -> String {
    let textStart: UInt64 = 0xffff_ffff_8100_0000
    let textEnd = symbols["_etext"] ?? textStart
    var lines = [(textStart, "T", "_text")]
    for (name, address) in symbols where address >= textStart && !name.hasPrefix(".") && name != "_text" {
      lines.append((address, address < textEnd ? "T" : (name == "_etext" ? "T" : "D"), name))
    }
    return lines.sorted { ($0.0, $0.2) < ($1.0, $1.2) }
      .map { "\(String($0.0 &+ slide, radix: 16)) \($0.1) \($0.2)" }.joined(separator: "\n") + "\n"
  }

  static func stored(store: String, commit: String, workload: String) throws -> Bool {
    try DirectoryStore(path: store).contains(commit: commit, workload: workload)
  }
}
