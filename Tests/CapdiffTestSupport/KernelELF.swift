import Foundation

/// Builds a small vmlinux-like ELF with DWARF from C sources laid out like a
/// kernel tree, linked at kernel addresses, with the system C compiler.
public struct KernelELF {
  public let path: String
  public let sourceRoot: String

  /// `sources` maps tree paths (`fs/ext4/inode.c`) to C text. With
  /// `absolutePaths`, the compiler is given absolute source paths, as a
  /// distribution build records them.
  public init(in directory: TemporaryDirectory, sources: [String: String], absolutePaths: Bool = false)
    throws
  {
    sourceRoot = "\(directory.path)/linux"
    var objects: [String] = []
    for (relative, text) in sources.sorted(by: { $0.key < $1.key }) {
      try directory.write("linux/\(relative)", text)
      let object = "\(directory.path)/obj/\(relative).o"
      try FileManager.default.createDirectory(
        atPath: (object as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      let source = absolutePaths ? "\(sourceRoot)/\(relative)" : relative
      let result = try run(
        "/usr/bin/gcc",
        ["-g", "-O0", "-mcmodel=kernel", "-fno-pic", "-fno-asynchronous-unwind-tables", "-c", source, "-o", object],
        directory: sourceRoot)
      guard result.status == 0 else { throw CompileError(message: result.standardError) }
      objects.append(object)
    }
    path = "\(directory.path)/vmlinux"
    let link = try run(
      "/usr/bin/gcc",
      ["-nostdlib", "-static", "-no-pie", "-Wl,-Ttext=0xffffffff81000000", "-Wl,-e,start_kernel", "-o", path]
        + objects, directory: sourceRoot)
    guard link.status == 0 else { throw CompileError(message: link.standardError) }
  }

  public struct CompileError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "compiling the test kernel failed: \(message)" }
  }

  /// The address of `symbol`, read with nm.
  public func address(of symbol: String) throws -> UInt64 {
    let result = try run("/usr/bin/nm", [path])
    for line in result.standardOutput.split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 3, parts[2] == symbol, let value = UInt64(parts[0], radix: 16) { return value }
    }
    throw CompileError(message: "no symbol \(symbol)")
  }
}
