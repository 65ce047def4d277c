import CapdiffTestSupport
import Foundation
import Git
import Testing

/// A kernel-like repository: MAINTAINERS, sources, and a second commit that
/// reorganises MAINTAINERS.
struct KernelRepository {
  let directory: TemporaryDirectory
  let path: String
  let first: OID
  let second: OID

  static let maintainers = """
    EXT4 FILE SYSTEM
    F:\tfs/ext4/

    NETWORKING [GENERAL]
    F:\tnet/

    THE REST
    F:\t*
    F:\t*/

    """

  init() throws {
    directory = try TemporaryDirectory()
    path = "\(directory.path)/linux"
    let repository = try Repository.create(at: path)
    var files: [String: [UInt8]] = [
      "MAINTAINERS": Array(Self.maintainers.utf8), "Makefile": Array("VERSION = 6\nPATCHLEVEL = 1\n".utf8),
      "fs/ext4/inode.c": [], "net/core/sock.c": [], "kernel/fork.c": [],
      "arch/x86/configs/x86_64_defconfig": Array("CONFIG_RANDOMIZE_BASE=y\nCONFIG_VMAP_STACK=y\n".utf8),
    ]
    let signature = Signature(name: "Dev", email: "dev@example.org", time: 1_700_000_000)
    first = try repository.commit(files: files, message: "v6.1", parents: [], signature: signature)
    try repository.tag("v6.1", at: first)
    files["MAINTAINERS"] = Array(Self.maintainers.replacingOccurrences(of: "NETWORKING [GENERAL]", with: "NETWORKING CORE").utf8)
    files["arch/x86/configs/x86_64_defconfig"] = Array("# CONFIG_RANDOMIZE_BASE is not set\nCONFIG_VMAP_STACK=y\n".utf8)
    second = try repository.commit(files: files, message: "Rename the networking entry", parents: [first], signature: signature)
  }
}

@Suite struct ComponentsCommandTests {
  @Test func attributesPathsAtARevisionWithTheMatchingPattern() throws {
    let kernel = try KernelRepository()
    let text = try run(capdiff, ["components", "--repo", kernel.path, "--rev", "v6.1", "fs/ext4/inode.c", "net/core/sock.c", "Makefile"])
    #expect(text.status == 0, "\(text.standardError)")
    #expect(
      text.standardOutput == """
        fs/ext4/inode.c\tEXT4 FILE SYSTEM\t(F: fs/ext4/, MAINTAINERS line 2)
        \talso: THE REST
        net/core/sock.c\tNETWORKING [GENERAL]\t(F: net/, MAINTAINERS line 5)
        \talso: THE REST
        Makefile\tTHE REST\t(F: *, MAINTAINERS line 8)

        """)
    let json = try run(capdiff, ["components", "--repo", kernel.path, "--rev", "HEAD", "--format", "json", "net/core/sock.c"])
    let parsed = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
    #expect(parsed.first?["component"] as? String == "NETWORKING CORE")
    #expect(parsed.first?["secondary"] as? [String] == ["THE REST"])
    #expect(parsed.first?["pattern"] as? String == "F: net/")
  }

  @Test func directorySchemeAndPolicyRules() throws {
    let kernel = try KernelRepository()
    let policy = try kernel.directory.write("capdiff.yml", "components:\n  rules:\n    - path: \"kernel/**\"\n      component: CORE KERNEL\n")
    let result = try run(capdiff, ["components", "--repo", kernel.path, "--scheme", "dirs:2", "--policy", policy, "fs/ext4/inode.c", "kernel/fork.c"])
    #expect(result.standardOutput == "fs/ext4/inode.c\tfs/ext4\t(dirs:2)\nkernel/fork.c\tCORE KERNEL\t(rule path: kernel/**)\n")
    // dirs:N needs no repository: outside one, with none named, paths are taken as written.
    let outside = try run(capdiff, ["components", "--scheme", "dirs:2", "drivers/net/tun.c"], directory: kernel.directory.path)
    #expect(outside.status == 0, "\(outside.standardError)")
    #expect(outside.standardOutput == "drivers/net/tun.c\tdrivers/net\t(dirs:2)\n")
    // Inside the tree, a build path is read through it, as --repo . would.
    let inside = try run(capdiff, ["components", "--scheme", "dirs:2", "/usr/src/linux-6.1/fs/ext4/inode.c"], directory: kernel.path)
    #expect(inside.standardOutput == "/usr/src/linux-6.1/fs/ext4/inode.c\tfs/ext4\t(dirs:2)\n", "\(inside.standardError)")
  }

  @Test func errorsNameTheRevisionTheRepositoryAndTheKey() throws {
    let kernel = try KernelRepository()
    let unknown = try run(capdiff, ["components", "--repo", kernel.path, "--rev", "v9.9", "fs/ext4/inode.c"])
    #expect(unknown.status == 1)
    #expect(unknown.standardError.hasPrefix("\(kernel.path): error: unknown revision 'v9.9': "))
    let policy = try kernel.directory.write("bad.yml", "components:\n  scheme: maintainers\n  colour: red\n")
    let bad = try run(capdiff, ["components", "--repo", kernel.path, "--policy", policy, "fs/ext4/inode.c"])
    #expect(bad.status == 1)
    #expect(bad.standardError == "\(policy):3:3: error: unknown key 'colour' in 'components'; expected one of: scheme, rules, shared-allocators, extra-shared-allocators\n")
    let scheme = try run(capdiff, ["components", "--repo", kernel.path, "--scheme", "dirs:x", "fs/ext4/inode.c"])
    #expect(scheme.status == 2)
  }
}
