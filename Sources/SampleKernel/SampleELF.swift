import Foundation

/// A small vmlinux-like ELF with DWARF, built from C sources laid out like a
/// kernel tree and linked at kernel addresses with the system C compiler:
/// the demo's kernels, and the tests'.
public struct SampleELF: Sendable {
  public let path: String
  /// Each function's address, from the ELF's own symbol table (nm).
  public let symbols: [String: UInt64]

  public struct BuildError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { "building the sample kernel failed: \(message)" }
  }

  /// Compiles `tree` (the folder holding the sources) file by file, naming
  /// each source by its tree path (or its absolute path with
  /// `absolutePaths`, as a distribution build records them), and links
  /// `output` with `.text` at 0xffffffff81000000. `debug` are the
  /// compiler's debug-information options.
  public init(
    tree: String, sources: [String], objects: String, output: String, absolutePaths: Bool = false, debug: [String] = ["-g"]
  ) throws {
    // The compiler runs in `tree`: every other path is made absolute first.
    let here = FileManager.default.currentDirectoryPath
    func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : "\(here)/\(path)" }
    let (tree, objects, linked) = (absolute(tree), absolute(objects), absolute(output))
    var built: [String] = []
    for relative in sources.sorted() {
      let object = "\(objects)/\(relative).o"
      try FileManager.default.createDirectory(
        atPath: (object as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      let source = absolutePaths ? "\(tree)/\(relative)" : relative
      try Self.run(
        "/usr/bin/gcc",
        debug + ["-O0", "-mcmodel=kernel", "-fno-pic", "-fno-asynchronous-unwind-tables", "-c", source, "-o", object],
        in: tree)
      built.append(object)
    }
    try Self.run(
      "/usr/bin/gcc",
      // `-u _etext` makes the linker provide the end-of-text marker.
      ["-nostdlib", "-static", "-no-pie", "-Wl,-Ttext=0xffffffff81000000", "-Wl,-e,start_kernel", "-Wl,-u,_etext", "-o", linked]
        + built,
      in: tree)
    path = output
    var symbols: [String: UInt64] = [:]
    for line in try Self.run("/usr/bin/nm", [linked], in: tree).split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 3, let value = UInt64(parts[0], radix: 16) { symbols[String(parts[2])] = value }
    }
    self.symbols = symbols
  }

  @discardableResult
  private static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain stderr on the side so a chatty compiler cannot fill its pipe.
    nonisolated(unsafe) var errors = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errors = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw BuildError(message: "\(executable) \(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
    }
    return String(decoding: output, as: UTF8.self)
  }
}
