#if canImport(Glibc)
  import Glibc
#endif

/// Writes a realistic kmap (current format) and the System.map it refers to.
///
/// About 50,000 functions over a kernel-like tree, a few thousand data
/// symbols, ~20 access lines per object. Objects come from 2,000 allocation
/// sites (Zipf-skewed), each with a fixed type and slab cache; their accesses
/// come mostly from 32 functions near the allocating code and otherwise from
/// 64 hot functions: the distinct edges level off (at most about 200,000)
/// while the file keeps growing, as a longer run of one workload does.
struct KmapGenerator {
  var random: SplitMix

  struct Function {
    var name: String
    var address: UInt64
  }

  static let directories = [
    "fs/ext4", "fs/btrfs", "fs/xfs", "fs/proc", "fs/nfs", "net/core", "net/ipv4", "net/ipv6", "net/netfilter",
    "net/unix", "mm", "kernel", "kernel/sched", "kernel/bpf", "kernel/time", "security/selinux", "security/keys",
    "drivers/net/ethernet/intel", "drivers/gpu/drm", "drivers/nvme/host", "drivers/scsi", "drivers/usb/core",
    "drivers/block", "block", "crypto", "lib", "ipc", "io_uring", "sound/core", "virt/kvm", "arch/x86/kernel",
    "arch/x86/mm",
  ]
  static let verbs = [
    "alloc", "free", "init", "exit", "read", "write", "open", "release", "ioctl", "poll", "map", "unmap", "lookup",
    "insert", "remove", "update", "flush", "sync", "queue", "dequeue", "submit", "complete", "setup", "teardown",
    "get", "put", "lock", "unlock", "check", "handle",
  ]
  static let nouns = [
    "inode", "page", "folio", "sock", "skb", "buffer", "request", "entry", "node", "table", "cache", "ctx", "state",
    "device", "queue", "work", "timer", "task", "cred", "key", "map", "prog", "extent", "bio", "dentry", "file",
  ]
  static let slabs = [
    "kmalloc-64", "kmalloc-128", "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-4k", "ext4_inode_cache",
    "dentry", "inode_cache", "skbuff_head_cache", "TCP", "UDP", "cred_jar", "task_struct", "filp", "bio-0",
    "radix_tree_node", "vm_area_struct", "key_jar", "names_cache",
  ]
  static let commands = ["systemd", "kworker/u4:2", "sshd: root,[priv]", "ltp_fsx", "swapper/0", "bash", "cc1 -O2"]

  /// Writes `directory/System.map` and returns the functions and data symbols.
  mutating func writeSymbols(to path: String) throws -> (functions: [Function], data: [Function]) {
    var functions: [Function] = []
    var address: UInt64 = 0xffff_ffff_8100_0000
    var names = Set<String>()
    while functions.count < 50_000 {
      let directory = Self.directories[random.next(Self.directories.count)]
      let prefix = directory.split(separator: "/").last.map(String.init) ?? "k"
      var name = "\(prefix)_\(Self.verbs[random.next(Self.verbs.count)])_\(Self.nouns[random.next(Self.nouns.count)])"
      if random.next(6) == 0 { name = "__x64_sys_\(name)" }
      if !names.insert(name).inserted { name += "_\(functions.count)" }
      names.insert(name)
      functions.append(Function(name: name, address: address))
      address += UInt64(0x40 + random.next(0x600)) & ~0xF
    }
    var data: [Function] = []
    var dataAddress: UInt64 = 0xffff_ffff_8200_0000
    for index in 0..<4000 {
      data.append(Function(name: "\(Self.nouns[index % Self.nouns.count])_table_\(index)", address: dataAddress))
      dataAddress += 0x100
    }
    var text = "ffffffff81000000 T _text\n"
    for (index, function) in functions.enumerated() {
      text += "\(hex(function.address)) \(index % 3 == 0 ? "t" : "T") \(function.name)\n"
    }
    text += "\(hex(address)) T _etext\n"
    for symbol in data { text += "\(hex(symbol.address)) D \(symbol.name)\n" }
    text += "\(hex(dataAddress)) B _end\n"
    try OutputFile(path).write(Array(text.utf8))
    return (functions, data)
  }

  /// Writes about `bytes` of kmap to `path`.
  mutating func writeKmap(to path: String, bytes: Int, functions: [Function], data: [Function]) throws {
    let output = try OutputFile(path)
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 22)
    var written = 0
    var index: UInt64 = 1
    var family = 0
    // Hot code anywhere in the kernel (locking, RCU, list helpers…).
    let hot = (0..<64).map { ($0 &* 7_777) % functions.count }
    while written < bytes {
      let type = random.next(100)
      let command = Self.commands[random.next(Self.commands.count)]
      let pid = 1 + random.next(5000)
      let objectAddress = 0xffff_8880_0000_0000 | UInt64(random.next(1 << 30)) << 6
      if type < 4 {
        // A global: obj_va_ptr inside a data symbol.
        let global = zipf(data.count)
        let symbol = data[global]
        family = (global &* 15_485_863) % (functions.count - 32)
        append(&buffer, "6,0,\(hex(symbol.address + 8)),8,\(index),0,0,GLOBAL,\(command),no-slab,\n")
      } else if type < 6 {
        family = random.next(functions.count - 32)
        append(&buffer, "3,\(pid),ffffc90000a3ff00,4096,\(index),0,0,STACK_PAGE,\(command),no-slab,\n")
      } else if type < 8 {
        append(&buffer, "1a,0,\(hex(objectAddress)),0,\(index),0,0,NONE,\(command),no-slab,\n")
        for _ in 0..<5 {
          append(&buffer, "  from:\(hex(functions[hot[zipf(hot.count)]].address + 0x10)),\(random.next(3)),\(random.next(9))\n")
        }
        index += 1
        written = flush(&buffer, to: output, written: written)
        continue
      } else {
        // An allocation site allocates one type from one cache, as real call sites do.
        let site = zipf(2000)
        let allocator = functions[(site &* 7919) % functions.count]
        let slab = Self.slabs[site % Self.slabs.count]
        let kind = site % 3 == 0 ? "KMALLOC" : "KMEM_CACHE"
        family = (site &* 104_729) % (functions.count - 32)
        let free = random.next(4) == 0 ? "deadbeef" : (random.next(2) == 0 ? "0" : hex(functions[random.next(functions.count)].address + 4))
        append(&buffer, "\(hex(allocator.address + 0x20)),\(pid),\(hex(objectAddress)),\(64 << random.next(5)),\(index),\(index + 7),\(free),\(kind),\(command),\(slab),\n")
      }
      let accesses = 10 + random.next(21)
      for _ in 0..<accesses {
        // Mostly the code around the allocation site, sometimes hot code anywhere.
        let subject = random.next(10) < 8 ? functions[family + zipf(32)] : functions[hot[zipf(hot.count)]]
        append(&buffer, "  \(hex(subject.address + UInt64(random.next(8)) * 4)),\(random.next(4)),\(1 + random.next(30)),\(pid)\n")
      }
      index += 1
      written = flush(&buffer, to: output, written: written)
    }
    _ = flush(&buffer, to: output, written: written, force: true)
  }

  /// A Zipf-like pick: low indexes far more often than high ones.
  private mutating func zipf(_ count: Int, power: Double = 4) -> Int {
    let u = Double(random.next(1 << 30) + 1) / Double(1 << 30)
    return min(count - 1, Int(Double(count) * pow(u, power)))
  }

  private func append(_ buffer: inout [UInt8], _ text: String) { buffer.append(contentsOf: text.utf8) }

  private func flush(_ buffer: inout [UInt8], to output: OutputFile, written: Int, force: Bool = false) -> Int {
    guard force || buffer.count >= 1 << 22 else { return written }
    output.append(buffer)
    defer { buffer.removeAll(keepingCapacity: true) }
    return written + buffer.count
  }
}

func hex(_ value: UInt64) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}

/// A deterministic generator (SplitMix64).
struct SplitMix {
  var state: UInt64

  mutating func next(_ bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Int(z % UInt64(bound))
  }
}

/// A file written with plain write(2) calls.
final class OutputFile {
  private let descriptor: Int32

  init(_ path: String) throws {
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw BenchError("cannot create \(path)") }
  }

  deinit { close(descriptor) }

  func write(_ bytes: [UInt8]) { append(bytes) }

  func append(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
      guard n > 0 else { return }
      offset += n
    }
  }
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
