import Foundation
import SampleKernel

/// A sample kernel ELF for the tests, built in a temporary directory.
public struct KernelELF {
  public let path: String
  public let sourceRoot: String
  private let elf: SampleELF

  /// `sources` maps tree paths (`fs/ext4/inode.c`) to C text. With
  /// `absolutePaths`, the compiler is given absolute source paths, as a
  /// distribution build records them. `debug`: the compiler's debug options.
  public init(
    in directory: TemporaryDirectory, sources: [String: String], absolutePaths: Bool = false, debug: [String] = ["-g"]
  ) throws {
    sourceRoot = "\(directory.path)/linux"
    for (relative, text) in sources { try directory.write("linux/\(relative)", text) }
    elf = try SampleELF(
      tree: sourceRoot, sources: Array(sources.keys), objects: "\(directory.path)/obj", output: "\(directory.path)/vmlinux",
      absolutePaths: absolutePaths, debug: debug)
    path = elf.path
  }

  /// The address of `symbol`.
  public func address(of symbol: String) throws -> UInt64 {
    guard let address = elf.symbols[symbol] else { throw SampleELF.BuildError(message: "no symbol \(symbol)") }
    return address
  }
}
