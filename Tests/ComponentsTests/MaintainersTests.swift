import Input
import Testing

@testable import Components

/// A MAINTAINERS fixture exercising each rule; the expected answers are
/// get_maintainer.pl's, worked out from its code (file_match_pattern and the
/// depth ranking of get_maintainers).
let fixture = """
  List of maintainers
  ===================

  Descriptions of section entries:
  \tF: *Files* and directories wildcard patterns.

  EXT4 FILE SYSTEM
  M:\tTed <tytso@example.org>
  S:\tMaintained
  F:\tfs/ext4/
  F:\tinclude/trace/events/ext4.h

  NETWORKING [GENERAL]
  F:\tnet/
  X:\tnet/bluetooth/
  F:\tinclude/net/

  NETWORKING [TCP]
  F:\tnet/ipv4/tcp*.c

  NETWORKING DRIVERS
  F:\tdrivers/net/

  TUN/TAP DRIVER
  F:\tdrivers/net/tun.c

  ETHERNET PHY
  F:\tdrivers/net/phy/bcm*.[ch]

  DONGWOON DW9768
  F:\tdrivers/media/i2c/dw9768.c

  V4L2 LENS DRIVERS
  F:\tdrivers/media/i2c/dw9*

  MEDIA
  F:\tdrivers/media

  SECURITY SUBSYSTEM
  F:\tsecurity/

  SELINUX SECURITY MODULE
  F:\tsecurity/selinux/
  N:\tselinux

  TOP LEVEL KERNEL FILES
  F:\tkernel/*

  TEGRA
  N:\t[^a-z]tegra

  BOGUS
  Z:\tnothing
  F:

  THE REST
  F:\t*
  F:\t*/

  """

let directories: Set<String> = ["fs", "fs/ext4", "net", "drivers", "drivers/net", "drivers/media", "drivers/media/i2c"]

func firstAndRest(_ path: String, _ maintainers: Maintainers) -> [String] {
  maintainers.subsystems(of: path).map(\.subsystem)
}

@Suite struct MaintainersTests {
  let maintainers = Maintainers(text: fixture, file: "MAINTAINERS", isDirectory: { directories.contains($0) })

  @Test func directoryPatternsAndDepthRanking() {
    #expect(firstAndRest("fs/ext4/inode.c", maintainers) == ["EXT4 FILE SYSTEM", "THE REST"])
    #expect(firstAndRest("net/ipv4/tcp_input.c", maintainers) == ["NETWORKING [TCP]", "NETWORKING [GENERAL]", "THE REST"])
    #expect(firstAndRest("net/ipv4/udp.c", maintainers) == ["NETWORKING [GENERAL]", "THE REST"])
    #expect(firstAndRest("drivers/net/tun.c", maintainers) == ["TUN/TAP DRIVER", "NETWORKING DRIVERS", "THE REST"])
  }

  /// MAINTAINERS comes with the patch under review: its names never carry
  /// terminal controls into the output.
  @Test func controlCharactersInNamesAreShownEscaped() {
    let evil = Maintainers(
      text: "EVIL \u{1b}[31mRED\u{1b}[0m\nF:\tfs/\n", file: "MAINTAINERS", isDirectory: { $0 == "fs" })
    #expect(firstAndRest("fs/a.c", evil) == ["EVIL \\x1b[31mRED\\x1b[0m"])
    #expect(evil.problems.map(\.message) == ["control characters, shown as \\xNN: EVIL \\x1b[31mRED\\x1b[0m"])
  }

  @Test func aWindowsCheckoutsLineEndsReadAlike() {
    let crlf = Maintainers(
      text: fixture.replacingOccurrences(of: "\n", with: "\r\n"), file: "MAINTAINERS", isDirectory: { directories.contains($0) })
    #expect(firstAndRest("fs/ext4/inode.c", crlf) == ["EXT4 FILE SYSTEM", "THE REST"])
    #expect(firstAndRest("net/ipv4/tcp_input.c", crlf) == ["NETWORKING [TCP]", "NETWORKING [GENERAL]", "THE REST"])
  }

  @Test func globWithoutTrailingSlashNeedsEqualSlashCount() {
    // `net/ipv4/tcp*.c` has two slashes: a deeper path does not match.
    #expect(firstAndRest("net/ipv4/tcp/extra.c", maintainers) == ["NETWORKING [GENERAL]", "THE REST"])
    // `kernel/*` matches files directly in kernel/ only; deeper ones fall to THE REST.
    #expect(firstAndRest("kernel/fork.c", maintainers) == ["TOP LEVEL KERNEL FILES", "THE REST"])
    #expect(firstAndRest("kernel/bpf/verifier.c", maintainers) == ["THE REST"])
    // Bracket sets as regular expressions read them.
    #expect(firstAndRest("drivers/net/phy/bcm7xxx.c", maintainers).first == "ETHERNET PHY")
    #expect(firstAndRest("drivers/net/phy/bcm7xxx.o", maintainers).first == "NETWORKING DRIVERS")
  }

  @Test func patternNamingATreeDirectoryGainsASlash() {
    // `F: drivers/media` names a directory of the tree: it becomes `drivers/media/`.
    #expect(firstAndRest("drivers/media/i2c/ov5640.c", maintainers) == ["MEDIA", "THE REST"])
    let without = Maintainers(text: fixture, file: "M", isDirectory: { _ in false })
    #expect(firstAndRest("drivers/media/i2c/ov5640.c", without) == ["THE REST"])
  }

  @Test func patternIsAPrefixNotAWholeName() {
    // get_maintainer.pl anchors the pattern at the start only.
    #expect(firstAndRest("include/trace/events/ext4.hpp", maintainers).first == "EXT4 FILE SYSTEM")
  }

  @Test func exclusionsRemoveTheWholeSection() {
    #expect(firstAndRest("net/bluetooth/hci_core.c", maintainers) == ["THE REST"])
  }

  @Test func nameRegexesRankBelowFilePatterns() {
    // get_maintainer.pl overwrites a section's depth with each matching line
    // in turn: SELINUX's `N:` after its `F:` leaves it at depth 0.
    #expect(firstAndRest("security/selinux/hooks.c", maintainers) == ["SECURITY SUBSYSTEM", "SELINUX SECURITY MODULE", "THE REST"])
    #expect(firstAndRest("drivers/gpu/host1x/tegra_x.c", maintainers) == ["TEGRA", "THE REST"])
    #expect(firstAndRest("drivers/gpu/host1x/mytegra.c", maintainers) == ["THE REST"])
  }

  @Test func topLevelFilesBelongToTheRest() {
    #expect(firstAndRest("Makefile", maintainers) == ["THE REST"])
  }

  @Test func equalDepthsPreferTheMoreLiteralPattern() {
    let matches = maintainers.subsystems(of: "drivers/media/i2c/dw9768.c")
    #expect(matches.map(\.subsystem) == ["DONGWOON DW9768", "V4L2 LENS DRIVERS", "MEDIA", "THE REST"])
    #expect(matches.first?.pattern == "F: drivers/media/i2c/dw9768.c")
    // The line of the pattern, not of the section's name above it.
    #expect(matches.first?.line == 31)
    #expect(maintainers.subsystems(of: "security/selinux/hooks.c").map(\.line) == [40, 44, 58])
  }

  @Test func malformedLinesAreReportedWithLineNumbers() {
    #expect(
      maintainers.problems == [
        Diagnostic(.warning, file: "MAINTAINERS", line: 53, column: 1, "unknown entry type 'Z:' (expected one of M R L S W Q B C P T F X N K; skipped)"),
        Diagnostic(.warning, file: "MAINTAINERS", line: 54, column: 1, "F: line has no pattern (skipped)"),
      ])
  }

  @Test func requiredLiteralOfNameRegexes() {
    #expect(NamePattern.requiredLiteral("[^a-z]tegra") == "tegra")
    #expect(NamePattern.requiredLiteral("sun[x456789]i") == "sun")
    #expect(NamePattern.requiredLiteral("a|b") == nil)
    #expect(NamePattern.requiredLiteral("\\bsunxi\\b") == "sunxi")
    #expect(NamePattern.requiredLiteral("fs/ext4?") == "fs/ext")
  }
}

@Suite struct SchemeTests {
  @Test func directorySchemeAndRules() {
    let map = ComponentMap(
      scheme: .directories(depth: 2), maintainers: nil,
      rules: [
        ComponentRule(.path(Glob("drivers/gpu/drm/i915/**")), component: "I915"),
        ComponentRule(.function(Glob("bpf_*")), component: "BPF"),
      ])
    #expect(map.attribute(path: "fs/ext4/inode.c").component == "fs/ext4")
    #expect(map.attribute(path: "net/ipv4/tcp.c").component == "net/ipv4")
    #expect(map.attribute(path: "init/main.c").component == "init")
    #expect(map.attribute(path: "Makefile").component == "(top level)")
    #expect(map.attribute(path: "drivers/gpu/drm/i915/gt/intel_gt.c") == Attribution(path: "drivers/gpu/drm/i915/gt/intel_gt.c", component: "I915", pattern: "rule path: drivers/gpu/drm/i915/**"))
    #expect(map.attribute(path: "kernel/bpf/core.c", function: "bpf_prog_run").component == "BPF")
    #expect(ComponentScheme("dirs:3") == .directories(depth: 3))
    #expect(ComponentScheme("dirs:0") == nil)
    #expect(ComponentScheme("maintainers") == .maintainers)
  }

  @Test func globs() {
    #expect(Glob("drivers/*/tun.c").matches("drivers/net/tun.c"))
    #expect(!Glob("drivers/*/tun.c").matches("drivers/net/x/tun.c"))
    #expect(Glob("drivers/**/tun.c").matches("drivers/net/x/tun.c"))
    #expect(Glob("kstr?up").matches("kstrdup"))
  }

  @Test func buildPathsFindTheirTreePath() {
    let tree = TreePaths(["fs/ext4/inode.c", "fs/ext2/inode.c", "net/core/sock.c", "Makefile"])
    #expect(tree.canonical("net/core/sock.c") == "net/core/sock.c")
    #expect(tree.canonical("/home/build/linux-6.1/net/core/sock.c") == "net/core/sock.c")
    #expect(tree.canonical("debian/build/x/fs/ext4/inode.c") == "fs/ext4/inode.c")
    // Only whole tree paths after a foreign prefix: never a file of the same name elsewhere.
    #expect(tree.canonical("obj/inode.c") == nil)
    #expect(tree.canonical("debian/build/x/ext4/inode.c") == nil)
    // A distribution's source package, reduced to a relative path or not: the kernel's own usr/ is no obstacle.
    #expect(tree.canonical("/usr/src/linux-6.1/fs/ext4/inode.c") == "fs/ext4/inode.c")
    #expect(tree.canonical("usr/src/linux-6.1/fs/ext4/inode.c") == "fs/ext4/inode.c")
    // A path that starts in the tree names a file the tree lacks (get_maintainer.pl
    // attributes it as written): not the top-level Makefile, not include/linux/iommu.h.
    let kernel = TreePaths(["Makefile", "arch/x86/Makefile", "include/linux/iommu.h"])
    #expect(kernel.canonical("arch/openrisc/Makefile") == nil)
    #expect(kernel.canonical("include/uapi/linux/iommu.h") == nil)
    #expect(kernel.canonical("/build/linux/arch/openrisc/Makefile") == nil)
    // Dots are folded first, by the text alone.
    #expect(tree.canonical("net/ipv4/../core/./sock.c") == "net/core/sock.c")
    #expect(kernel.canonical("/build/linux/include/linux/iommu.h") == "include/linux/iommu.h")
    #expect(tree.isDirectory("fs/ext4"))
    #expect(!tree.isDirectory("fs/ext4/inode.c"))
  }
}
