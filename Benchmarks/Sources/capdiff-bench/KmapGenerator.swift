#if canImport(Glibc)
  import Glibc
#endif
import Symbols

/// Writes a realistic current-format kmap and the System.map it refers to.
///
/// The kernel: about 50,000 functions laid out directory by directory
/// (`ext4_*`, `tcp_*`, `__x64_sys_*`…, types `T` and `t`) and 4,000 data
/// symbols (`D`, `d`, `B`) after `_etext`.
///
/// The workload: 3,000 heap allocation sites, each with a fixed allocation
/// type, slab cache and object size, picked with a Zipf-like skew; globals
/// (inside data symbols), stack pages and NONE objects with `from:` lines.
/// Each object gets 10–30 access lines. Who accesses an object comes from a
/// fixed list per site: 16 functions near the allocating code (80%, skewed),
/// 8 of 64 common helpers (16%) and 4 rarely used functions (4%), all drawn
/// from a hot set of 3,000 functions except the rare ones. So a few thousand
/// functions do most accesses, and the distinct (function, site) edges are
/// bounded (about 90,000): a 100 MB kmap already holds nearly all of them, and
/// a larger file only adds counts, as a longer run of one workload does.
///
/// Deterministic for a seed. Lines are built as bytes in a buffer written
/// with write(2).
struct KmapGenerator {
  /// Bumped whenever the output for a given seed changes (run.sh regenerates then).
  static let version = 3

  var random: SplitMix

  struct Function {
    var name: String
    var address: UInt64
    var size: UInt64
  }

  /// Directories in link order, with the prefixes of their functions.
  static let directories: [(path: String, prefixes: [String])] = [
    ("arch/x86/kernel", ["x86", "apic", "irq", "native"]), ("arch/x86/mm", ["pgd", "pte", "ioremap"]),
    ("kernel", ["do", "task", "cred", "copy", "signal"]), ("kernel/sched", ["sched", "enqueue", "update"]),
    ("kernel/time", ["hrtimer", "timer", "tick"]), ("kernel/bpf", ["bpf", "btf"]), ("mm", ["kmem_cache", "page", "folio", "vma", "mmap", "slab"]),
    ("fs", ["vfs", "generic", "path", "d", "inode"]), ("fs/proc", ["proc", "seq"]), ("fs/ext4", ["ext4", "jbd2"]),
    ("fs/btrfs", ["btrfs"]), ("fs/xfs", ["xfs"]), ("fs/nfs", ["nfs", "nfs4"]), ("ipc", ["ipc", "msg", "shm"]),
    ("security/selinux", ["selinux", "avc"]), ("security/keys", ["key", "keyring"]), ("crypto", ["crypto", "aes", "sha256"]),
    ("block", ["blk_mq", "bio", "elv"]), ("io_uring", ["io"]), ("lib", ["kobject", "rb", "idr", "xa", "bitmap"]),
    ("drivers/block", ["virtblk", "loop"]), ("drivers/scsi", ["scsi", "sd"]), ("drivers/nvme/host", ["nvme"]),
    ("drivers/usb/core", ["usb", "hub"]), ("drivers/gpu/drm", ["drm", "i915"]),
    ("drivers/net/ethernet/intel", ["e1000", "igb", "ixgbe"]), ("sound/core", ["snd", "snd_pcm"]),
    ("net/core", ["sock", "skb", "dev", "netif", "sk"]), ("net/ipv4", ["tcp", "udp", "ip", "inet"]),
    ("net/ipv6", ["ip6", "tcp_v6", "udpv6"]), ("net/netfilter", ["nf", "nft"]), ("net/unix", ["unix"]),
    ("virt/kvm", ["kvm"]),
  ]
  static let verbs = [
    "alloc", "free", "init", "exit", "read", "write", "open", "release", "ioctl", "poll", "map", "unmap", "lookup",
    "insert", "remove", "update", "flush", "sync", "queue", "dequeue", "submit", "complete", "setup", "teardown",
    "get", "put", "lock", "unlock", "check", "handle", "rcv", "xmit", "fill", "clear",
  ]
  static let nouns = [
    "inode", "page", "folio", "sock", "skb", "buffer", "request", "entry", "node", "table", "cache", "ctx", "state",
    "device", "queue", "work", "timer", "task", "cred", "key", "map", "prog", "extent", "bio", "dentry", "file",
    "super", "range", "iter", "msg", "hdr", "frag",
  ]
  static let syscalls = [
    "read", "write", "openat", "close", "mmap", "munmap", "brk", "ioctl", "pread64", "writev", "socket", "connect",
    "accept4", "sendmsg", "recvmsg", "bind", "listen", "clone3", "execve", "exit_group", "wait4", "kill", "fcntl",
    "fsync", "getdents64", "newfstatat", "unlinkat", "renameat2", "mkdirat", "setuid", "setgid", "capset", "prctl",
    "bpf", "io_uring_enter", "keyctl", "add_key", "mount", "pivot_root", "init_module", "finit_module", "ptrace",
  ]
  static let caches = [
    "ext4_inode_cache", "dentry", "inode_cache", "skbuff_head_cache", "TCP", "UDP", "TCPv6", "cred_jar",
    "task_struct", "filp", "bio-0", "radix_tree_node", "vm_area_struct", "key_jar", "names_cache", "buffer_head",
    "ext4_extent_status", "jbd2_journal_head", "btrfs_inode", "xfs_inode", "nfs_inode_cache", "sock_inode_cache",
    "mm_struct", "files_cache", "signal_cache", "sighand_cache", "anon_vma", "anon_vma_chain", "pid", "kernfs_node_cache",
    "proc_inode_cache", "shmem_inode_cache", "request_sock_TCP", "io_kiocb", "bpf_prog", "selinux_file_security",
    "avc_node", "nf_conntrack", "blkdev_ioc", "sigqueue",
  ]
  static let commands = [
    "systemd", "kworker/u4:2", "sshd: root,[priv]", "ltp_fsx", "swapper/0", "bash", "jbd2/vda1-8", "rcu_preempt",
    "systemd-journal", "kswapd0", "ksoftirqd/0", "python3", "(sd-pam)", "nginx: worker", "gdbus", "containerd-shim",
  ]

  struct Site {
    var allocator: UInt64
    var type: [UInt8]
    var slab: [UInt8]
    var size: Int
    var family: [Int]
    var helpers: [Int]
    var rare: [Int]
  }

  /// Writes `path` (a System.map) and returns the functions and data symbols.
  mutating func writeSymbols(to path: String) throws -> (functions: [Function], data: [Function]) {
    var functions: [Function] = []
    var names = Set<String>()
    var address: UInt64 = 0xffff_ffff_8100_0000
    var lines: [(UInt64, Character, String)] = [(address, "T", "_text")]
    address += 0x1000
    let total = 50_000
    var weights = Self.directories.map { _ in 1 + random.next(8) }
    weights[Self.directories.firstIndex { $0.path == "net/ipv4" }!] += 6
    weights[Self.directories.firstIndex { $0.path == "fs/ext4" }!] += 6
    let weightSum = weights.reduce(0, +)
    for (d, directory) in Self.directories.enumerated() {
      let count = d == Self.directories.count - 1 ? total - functions.count : total * weights[d] / weightSum
      for _ in 0..<count {
        var name: String
        let roll = random.next(100)
        if roll < 2 {
          let call = Self.syscalls[random.next(Self.syscalls.count)]
          name = ["__x64_sys_", "__ia32_sys_", "__do_sys_", "__se_sys_"][random.next(4)] + call
        } else {
          let prefix = directory.prefixes[random.next(directory.prefixes.count)]
          name = "\(prefix)_\(Self.verbs[random.next(Self.verbs.count)])_\(Self.nouns[random.next(Self.nouns.count)])"
          if roll < 5 { name = "__" + name }
        }
        if names.contains(name) {
          name += random.next(3) == 0 ? ".isra.0" : "_\(functions.count)"
          if names.contains(name) { name += "_\(functions.count)" }
        }
        names.insert(name)
        // Function sizes: mostly small, a few large.
        let size = UInt64(0x40 + random.next(0x200) + (random.next(10) == 0 ? random.next(0x2000) : 0)) & ~0xF
        let global = name.hasPrefix("__x64_sys_") || name.hasPrefix("__ia32_sys_") || random.next(5) < 3
        functions.append(Function(name: name, address: address, size: size))
        lines.append((address, global ? "T" : "t", name))
        address += size
      }
    }
    lines.append((address, "T", "_etext"))
    // .data (D and d), then .bss (B), after the text.
    var data: [Function] = []
    var dataAddress = (address + 0x20_0000) & ~0x1F_FFFF
    for index in 0..<4000 {
      let noun = Self.nouns[index % Self.nouns.count]
      let size = UInt64(8 << random.next(8))
      let (type, name): (Character, String) =
        index < 1600 ? ("D", "\(noun)_ops_\(index)") : index < 3200 ? ("d", "\(noun)_list_\(index)") : ("B", "\(noun)_stats_\(index)")
      data.append(Function(name: name, address: dataAddress, size: size))
      lines.append((dataAddress, type, name))
      dataAddress += (size + 0x3F) & ~0x3F
    }
    lines.append((dataAddress, "B", "_end"))
    var output = ByteBuffer(capacity: 4 << 20, file: try OutputFile(path))
    for (address, type, name) in lines {
      output.hex16(address)
      output.byte(UInt8(ascii: " "))
      output.byte(type.asciiValue!)
      output.byte(UInt8(ascii: " "))
      output.append(Array(name.utf8))
      output.byte(UInt8(ascii: "\n"))
      output.flushIfFull()
    }
    output.flush()
    return (functions, data)
  }

  /// The functions and data of a real kernel's symbols, for a kmap whose
  /// every address resolves in that kernel's System.map and vmlinux: the
  /// symbol table's extents, leaving out the very small and the very large
  /// (alignment gaps, section ends).
  static func symbols(of table: SymbolTable) -> (functions: [Function], data: [Function]) {
    func extents(_ symbols: [Symbol], sizes: ClosedRange<UInt64>) -> [Function] {
      symbols.compactMap { symbol in
        let size = symbol.end &- symbol.start
        return symbol.module == nil && sizes.contains(size)
          ? Function(name: symbol.name, address: symbol.start, size: size) : nil
      }
    }
    return (extents(table.functions, sizes: 0x40...0x4000), extents(table.data, sizes: 8...0x10000))
  }

  /// Writes about `bytes` of kmap to `path`; returns the objects and lines written.
  mutating func writeKmap(to path: String, bytes: Int, functions: [Function], data: [Function]) throws -> (
    objects: Int, lines: Int
  ) {
    // The hot set: 3,000 functions in address order, so neighbours share a directory.
    var hotSet = Set<Int>()
    while hotSet.count < 3000 { hotSet.insert(random.next(functions.count)) }
    let hot = hotSet.sorted()
    let helpers = (0..<64).map { hot[($0 &* 47) % hot.count] }
    let frees = (0..<8).map { hot[($0 &* 373 + 11) % hot.count] }
    func near(_ center: Int, _ count: Int) -> [Int] { (0..<count).map { hot[(center + $0) % hot.count] } }

    let sites: [Site] = (0..<3000).map { index in
      let center = random.next(hot.count)
      let roll = random.next(100)
      let size: Int
      let type: String
      let slab: String
      if roll < 45 {
        type = roll < 41 ? "KMEM_CACHE" : "KMEM_CACHE_ND"
        slab = Self.caches[random.next(Self.caches.count)]
        size = 64 + 8 * random.next(120)
      } else if roll < 90 {
        type = roll < 85 ? "KMALLOC" : "KMALLOC_ND"
        let order = 3 + random.next(11)  // kmalloc-8 … kmalloc-8k
        size = (1 << order) - random.next(1 << (order - 1))
        slab = order >= 10 ? "kmalloc-\(1 << (order - 10))k" : "kmalloc-\(1 << order)"
      } else if roll < 95 {
        type = "VMALLOC"
        slab = "no-slab"
        size = 4096 << random.next(5)
      } else {
        type = "ALLOC_PAGES"
        slab = "no-slab"
        size = 4096 << random.next(3)
      }
      let allocator = functions[hot[(center + 3) % hot.count]]
      return Site(
        allocator: allocator.address + 0x10 + UInt64(random.next(Int(allocator.size / 4) - 4)) * 4,
        type: Array(type.utf8), slab: Array(slab.utf8), size: size, family: near(center, 16),
        helpers: (0..<8).map { helpers[(index &* 5 + $0 &* 13) % helpers.count] },
        rare: (0..<4).map { _ in random.next(functions.count) })
    }
    // Globals: 500 of the data symbols are accessed, each by 8 nearby hot functions and 4 helpers.
    let globals: [(symbol: Function, family: [Int], helpers: [Int])] = (0..<500).map { index in
      let symbol = data[(index &* 7_919) % data.count]
      return (symbol, near(random.next(hot.count), 8), (0..<4).map { helpers[(index + $0 &* 17) % helpers.count] })
    }
    let commands = Self.commands.map { Array($0.utf8) }
    let pids = (0..<400).map { _ in 1 + random.next(32_000) }

    var out = ByteBuffer(capacity: 8 << 20, file: try OutputFile(path))
    var index = 1
    var lines = 0
    func access(_ out: inout ByteBuffer, _ function: Int, _ random: inout SplitMix) {
      let f = functions[function]
      let offset = UInt64(4 + 4 * random.next(min(12, Int(f.size / 4) - 1)))
      out.byte(UInt8(ascii: " "))
      out.byte(UInt8(ascii: " "))
      out.hex16(f.address + offset)
      out.byte(UInt8(ascii: ","))
      out.decimal(random.next(8) == 0 ? random.next(40) : random.next(3))  // writes
      out.byte(UInt8(ascii: ","))
      out.decimal(1 + random.zipf(200))  // reads
    }
    while out.written < bytes {
      let roll = random.next(1000)
      let pid = pids[random.zipf(pids.count)]
      let command = commands[pid % commands.count]
      let accesses = 10 + random.next(21)
      if roll < 40 {
        // A global: obj_va_ptr inside a data symbol, registered at boot.
        let global = globals[random.zipf(globals.count)]
        let offset = UInt64(random.next(Int(global.symbol.size / 8))) * 8
        out.text("6,0,")
        out.hex16(global.symbol.address + offset)
        out.byte(UInt8(ascii: ","))
        out.decimal(Int(global.symbol.size))
        out.byte(UInt8(ascii: ","))
        out.decimal(index)
        out.text(",0,0,GLOBAL,swapper/0,no-slab,\n")
        for _ in 0..<accesses {
          let function =
            random.next(10) < 8 ? global.family[random.zipf(global.family.count)] : global.helpers[random.next(4)]
          access(&out, function, &random)
          out.byte(UInt8(ascii: ","))
          out.decimal(pid)
          out.byte(UInt8(ascii: "\n"))
        }
      } else if roll < 60 {
        // A task's stack page (alloc_ip is the type code); touched by whatever runs.
        out.text("3,")
        out.decimal(pid)
        out.text(",ffffc900")
        out.hex(UInt64(random.next(1 << 20)) << 12, digits: 8)
        out.text(",4096,")
        out.decimal(index)
        out.text(",0,0,STACK_PAGE,")
        out.append(command)
        out.text(",no-slab,\n")
        for _ in 0..<accesses {
          access(&out, hot[random.zipf(hot.count)], &random)
          out.byte(UInt8(ascii: ","))
          out.decimal(pid)
          out.byte(UInt8(ascii: "\n"))
        }
      } else if roll < 80 {
        // An object Memorizer never saw allocated: `from:` lines, no pid.
        out.text("1a,0,ffff8880")
        out.hex(UInt64(random.next(1 << 26)) << 6, digits: 8)
        out.text(",0,")
        out.decimal(index)
        out.text(",0,0,NONE,")
        out.append(command)
        out.text(",no-slab,\n")
        for _ in 0..<(2 + random.next(5)) {
          out.text("  from:")
          out.hex16(functions[helpers[random.zipf(helpers.count)]].address + 8)
          out.byte(UInt8(ascii: ","))
          out.decimal(random.next(3))
          out.byte(UInt8(ascii: ","))
          out.decimal(1 + random.next(9))
          out.byte(UInt8(ascii: "\n"))
          lines += 1
        }
        lines += 1
        index += 1
        out.flushIfFull()
        continue
      } else {
        // A heap object from one of the allocation sites.
        let site = sites[random.zipf(sites.count, power: 3)]
        out.hex16(site.allocator)
        out.byte(UInt8(ascii: ","))
        out.decimal(pid)
        out.byte(UInt8(ascii: ","))
        let alignment = UInt64(min(4096, 1 << (64 - (site.size - 1).leadingZeroBitCount)))
        if site.type.first == UInt8(ascii: "V") {
          out.text("ffffc900")
          out.hex(UInt64(random.next(1 << 20)) << 12, digits: 8)
        } else {
          out.hex16((0xffff_8880_0000_0000 | UInt64(random.next(1 << 34))) & ~(alignment - 1))
        }
        out.byte(UInt8(ascii: ","))
        out.decimal(site.size)
        out.byte(UInt8(ascii: ","))
        out.decimal(index)
        out.byte(UInt8(ascii: ","))
        let free = random.next(100)
        if free < 30 {
          out.text("0,0")  // still live
        } else {
          out.decimal(index + 1 + random.next(5000))
          out.byte(UInt8(ascii: ","))
          if free < 85 {
            let function = functions[frees[random.next(frees.count)]]
            out.hex16(function.address + 0x14)
          } else {
            out.text("deadbeef")
          }
        }
        out.byte(UInt8(ascii: ","))
        out.append(site.type)
        out.byte(UInt8(ascii: ","))
        out.append(command)
        out.byte(UInt8(ascii: ","))
        out.append(site.slab)
        out.text(",\n")
        for _ in 0..<accesses {
          let who = random.next(100)
          let function =
            who < 80
            ? site.family[random.zipf(site.family.count)]
            : who < 96 ? site.helpers[random.zipf(site.helpers.count)] : site.rare[random.next(site.rare.count)]
          access(&out, function, &random)
          out.byte(UInt8(ascii: ","))
          out.decimal(random.next(10) == 0 ? pids[random.next(pids.count)] : pid)
          out.byte(UInt8(ascii: "\n"))
        }
      }
      lines += 1 + accesses
      index += 1
      out.flushIfFull()
    }
    out.flush()
    return (index - 1, lines)
  }
}

/// A deterministic generator (SplitMix64).
struct SplitMix {
  var state: UInt64

  mutating func next64() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in 0..<bound.
  mutating func next(_ bound: Int) -> Int {
    Int(truncatingIfNeeded: next64().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// A Zipf-like pick in 0..<count: index ⌊count·u^power⌋, so low indexes
  /// come far more often than high ones, and the rarest still comes about
  /// once in `power · count` picks.
  mutating func zipf(_ count: Int, power: Int = 2) -> Int {
    let u = Double(next64() >> 11) * 0x1p-53
    var p = u
    for _ in 1..<power { p *= u }
    return min(count - 1, Int(Double(count) * p))
  }
}

/// An output buffer of bytes, written to a file in large blocks.
struct ByteBuffer: ~Copyable {
  private let base: UnsafeMutablePointer<UInt8>
  private let capacity: Int
  private var count = 0
  private let file: OutputFile
  /// Bytes handed to the file so far.
  private(set) var flushed = 0

  /// Bytes written, flushed or not.
  var written: Int { flushed + count }

  init(capacity: Int, file: OutputFile) {
    base = .allocate(capacity: capacity + 65_536)
    self.capacity = capacity
    self.file = file
  }

  deinit { base.deallocate() }

  @inline(__always)
  mutating func byte(_ value: UInt8) {
    base[count] = value
    count += 1
  }

  mutating func append(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: $0.count) }
    count += bytes.count
  }

  mutating func text(_ literal: StaticString) {
    (base + count).update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
    count += literal.utf8CodeUnitCount
  }

  /// `value` as exactly `digits` lowercase hex digits.
  @inline(__always)
  mutating func hex(_ value: UInt64, digits: Int) {
    var v = value
    var i = count + digits - 1
    while i >= count {
      let nibble = UInt8(truncatingIfNeeded: v & 0xF)
      base[i] = nibble < 10 ? nibble + 0x30 : nibble + 0x57
      v >>= 4
      i -= 1
    }
    count += digits
  }

  /// A `%p` address: 16 lowercase hex digits, no `0x`.
  @inline(__always)
  mutating func hex16(_ value: UInt64) { hex(value, digits: 16) }

  @inline(__always)
  mutating func decimal(_ value: Int) {
    if value < 10 {
      byte(UInt8(truncatingIfNeeded: value) + 0x30)
      return
    }
    var v = value
    var digits = 0
    var probe = value
    while probe > 0 {
      digits += 1
      probe /= 10
    }
    var i = count + digits - 1
    while v > 0 {
      base[i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
      v /= 10
      i -= 1
    }
    count += digits
  }

  /// Writes the buffer out once it is nearly full (call between records).
  mutating func flushIfFull() {
    if count >= capacity { flush() }
  }

  mutating func flush() {
    file.write(UnsafeRawBufferPointer(start: base, count: count))
    flushed += count
    count = 0
  }
}

/// A file written with plain write(2) calls.
final class OutputFile {
  private let descriptor: Int32
  private let path: String

  init(_ path: String) throws {
    self.path = path
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))") }
  }

  deinit { close(descriptor) }

  func write(_ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0, errno == EINTR { continue }
      guard n > 0 else {
        writeStandardError("capdiff-bench: writing \(path) failed: \(String(cString: strerror(errno)))\n")
        exit(1)
      }
      offset += n
    }
  }
}

func writeStandardError(_ text: String) {
  var bytes = Array(text.utf8)
  _ = Glibc.write(2, &bytes, bytes.count)
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
