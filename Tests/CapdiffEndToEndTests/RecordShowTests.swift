import CapdiffTestSupport
import Foundation
import Symbols
import Testing

let capdiff = "\(packageRoot)/.build/debug/capdiff"

let map = """
  ffffffff81000000 T _text
  ffffffff810a1000 T commit_creds
  ffffffff810a1400 T prepare_creds
  ffffffff81480000 T sk_alloc
  ffffffff81480c00 T tcp_sendmsg
  ffffffff81a00000 T _etext

  """

let kmapText = """
  ffffffff810a1410,1,ffff888003a4c000,176,101,0,0,KMEM_CACHE,systemd,cred_jar,
    ffffffff810a1010,2,5,1
    ffffffff81480c10,0,3,1
  ffffffff81480010,733,ffff888005c20000,2048,103,0,0,KMEM_CACHE,sshd: root,[priv],TCP,
    ffffffff81480c10,3,8,733

  """

func json(_ text: String) throws -> [String: Any] {
  try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct RecordShowTests {
  @Test func recordsFromStandardInputAndShowsJSON() throws {
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let out = "\(directory.path)/ltp.capmap"
    let record = try run(
      capdiff, ["record", "--symbols", symbols, "--workload", "ltp", "--out", out, "-"], input: Array(kmapText.utf8))
    #expect(record.status == 0, "\(record.standardError)")
    #expect(record.standardError == "recorded \(out): 1 run, 3 edges, 2 subjects, 2 object sites\n")
    let show = try run(capdiff, ["show", "--format", "json", out])
    #expect(show.status == 0)
    let summary = try json(show.standardOutput)
    let totals = try #require(summary["totals"] as? [String: Any])
    #expect(totals["edges"] as? Int == 3)
    #expect(totals["reads"] as? Int == 16)
    #expect(totals["writes"] as? Int == 5)
    #expect(summary["workload"] as? String == "ltp")
    #expect(summary["hasFileInformation"] as? Bool == false)
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    #expect(inputs.first?["file"] as? String == "<stdin>")
    let xxhsum = try run("/usr/bin/xxhsum", ["-H2", "-"], input: Array(kmapText.utf8))
    let digest = "xxh128:" + (try #require(xxhsum.standardOutput.split(separator: " ").first))
    #expect(inputs.first?["digest"] as? String == digest)
    #expect(inputs.first?["objects"] as? Int == 2)
    let top = try #require(summary["topSubjects"] as? [[String: Any]])
    #expect(top.first?["function"] as? String == "tcp_sendmsg")
    #expect(top.first?["reads"] as? Int == 11)
    // The text form names the missing file information.
    let text = try run(capdiff, ["show", out])
    // Two objects in the kmap; the first touched by two functions.
    #expect(text.standardOutput.contains("  16 reads, 5 writes; 2 objects in the kmaps (3 object-edge pairs)\n"))
    #expect(text.standardOutput.contains("  unresolved: 0 subject addresses (0.0% of accesses), 0 object sites\n"))
    #expect(text.standardOutput.contains("  run 1  <stdin>  current, 5 lines, 2 objects, 3 accesses\n         \(digest)\n"))
    #expect(text.standardOutput.contains("(no source files: System.map carries names only; record with a vmlinux for files and lines)"))
  }

  @Test func countsOfOneAreSingular() throws {
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let kmap = try directory.write("one.kmap", "ffffffff810a1410,1,ffff888003a4c000,176,101,0,0,KMEM_CACHE,systemd,cred_jar,\n  ffffffff810a1010,0,1,1\n")
    let out = "\(directory.path)/one.capmap"
    let record = try run(capdiff, ["record", "--symbols", symbols, "--workload", "ltp", "--out", out, kmap])
    #expect(record.standardError == "recorded \(out): 1 run, 1 edge, 1 subject, 1 object site\n")
    let text = try run(capdiff, ["show", out]).standardOutput
    #expect(text.contains("  1 subject, 1 object site, 1 edge\n"))
    #expect(text.contains("  1 read, 0 writes; 1 object in the kmaps (1 object-edge pair)\n"))
    #expect(text.contains("  unresolved: 0 subject addresses (0.0% of accesses), 0 object sites\n"))
  }

  @Test func showsTheComponentGraphAndWhyAnEdgeCrossesNoBoundary() throws {
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let stack = "3,733,ffffc90000a3c000,16384,104,0,0,STACK_PAGE,sshd,no-slab,\n  ffffffff81480c10,1,2,733\n"
    let kmap = try directory.write("run.kmap", kmapText + stack)
    let out = "\(directory.path)/ltp.capmap"
    #expect(try run(capdiff, ["record", "--symbols", symbols, "--workload", "ltp", "--out", out, kmap]).status == 0)
    let policy = try directory.write(
      "capdiff.yml",
      """
      components:
        rules:
          - {function: "*creds", component: CREDENTIALS}
          - {function: "tcp_*", component: NETWORKING}
          - {function: "sk_*", component: NETWORKING}

      """)
    // Without the rules every subject is [unknown]: to [unknown] too, no boundary is crossed.
    let unplaced = try run(capdiff, ["show", "--scheme", "dirs:1", out])
    #expect(unplaced.standardOutput.contains("  [unknown]          [unknown]  (pseudo-component)"), "\(unplaced.standardOutput)")
    #expect(!unplaced.standardOutput.contains("(same)"))
    let show = try run(capdiff, ["show", "--scheme", "dirs:1", "--policy", policy, out])
    #expect(show.status == 0, "\(show.standardError)")
    #expect(
      show.standardOutput.hasSuffix(
        """
        Component privilege graph (dirs:1); cross-component edges first
          SUBJECT COMPONENT  OWNER COMPONENT              RIGHTS      READS  WRITES  FUNCTIONS  SITES
          NETWORKING         CREDENTIALS                  read        3      0       1          1
          NETWORKING         NETWORKING  (same)           read-write  8      3       1          1
          CREDENTIALS        CREDENTIALS  (same)          read-write  5      2       1          1
          NETWORKING         [stack]  (pseudo-component)  read-write  2      1       1          1

        """), "\(show.standardOutput)")
  }

  @Test func recordsFromANamedPipeWithoutLosingItsStart() throws {
    // A FIFO (as <(zcat kmap.gz) gives) yields its bytes once: nothing may peek at it first.
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let fifo = "\(directory.path)/kmap.fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let writer = Thread {
      if let handle = FileHandle(forWritingAtPath: fifo) {
        handle.write(Data(kmapText.utf8))
        try? handle.close()
      }
    }
    writer.start()
    let out = "\(directory.path)/ltp.capmap"
    let record = try run(capdiff, ["record", "--symbols", symbols, "--workload", "ltp", "--out", out, fifo])
    #expect(record.status == 0, "\(record.standardError)")
    let summary = try json(try run(capdiff, ["show", "--format", "json", out]).standardOutput)
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    #expect(inputs.first?["objects"] as? Int == 2)
    #expect(inputs.first?["accesses"] as? Int == 3)
    // Standard input feeds one reader: the symbols or a kmap, not both.
    let both = try run(capdiff, ["record", "--symbols", "-", "--workload", "ltp", "--out", out, "-"], input: Array(map.utf8))
    #expect(both.status == 2)
    #expect(both.standardError.contains("Standard input (-) can be read once only"))
  }

  @Test func symbolsThatFitNoAccessAreCalledOut() throws {
    // Hashed pointers (no no_hash_pointers at boot) resolve to nothing.
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let hashed = try directory.write(
      "hashed.kmap", "000000003a4c2f10,1,00000000b2d41c88,176,1,0,0,KMEM_CACHE,bash,cred_jar,\n  0000000071f0a2c4,1,1,1\n")
    let result = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--out", "\(directory.path)/h.capmap", hashed])
    #expect(result.status == 0)
    #expect(
      result.standardError.contains(
        "\(symbols): warning: 100% of the accesses lie in no function it knows: were the kmap's addresses hashed (boot with no_hash_pointers), or are these the symbols of another kernel?"))
    let show = try run(capdiff, ["show", "\(directory.path)/h.capmap"])
    #expect(show.standardOutput.contains("unresolved: 1 subject address (100.0% of accesses), 1 object site\n"))
  }

  @Test func malformedKmapFailsWithLocationAndLeavesNoOutput() throws {
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let bad = try directory.write("bad.kmap", kmapText + "  ffffffff81480c10,3,eight,733\n")
    let result = try run(capdiff, ["record", "--symbols", symbols, "--workload", "ltp", "--out", "\(directory.path)/x.capmap", bad])
    #expect(result.status == 1)
    #expect(result.standardError == "\(bad):6:22: error: reads: expected a decimal count, found 'eight'\n")
    #expect(!directory.exists("x.capmap"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["System.map", "bad.kmap"])
    let lenient = try run(
      capdiff, ["record", "--lenient", "--symbols", symbols, "--workload", "ltp", "--out", "\(directory.path)/x.capmap", bad])
    #expect(lenient.status == 0)
    #expect(lenient.standardError.contains("\(bad):6:22: warning: reads: expected a decimal count, found 'eight' (skipped)"))
    #expect(lenient.standardError.contains("\(bad): skipped 1 line\n"))
  }

  @Test func notAKmapAndUsageErrors() throws {
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let csv = try directory.write("people.csv", "name,age\nbob,3\n")
    let result = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--out", "\(directory.path)/o", csv])
    #expect(result.status == 1)
    #expect(
      result.standardError
        == "\(csv):1:1: error: is not a Memorizer kmap: the first line is 'name,age' with 2 fields; expected an object line of 11 fields (current format) or 8 (legacy 4.10 format), or an allocations/accesses header\n"
    )
    // --out naming an input, by any path, would overwrite it.
    let kmap = try directory.write("run.kmap", kmapText)
    let overwrite = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--out", "\(directory.path)/./run.kmap", kmap])
    #expect(overwrite.status == 1)
    #expect(
      overwrite.standardError
        == "\(directory.path)/./run.kmap: error: is \(kmap), an input of this command: --out would overwrite it; give another path\n")
    #expect(try String(contentsOfFile: kmap, encoding: .utf8) == kmapText)
    let noName = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--out", "\(directory.path)/", kmap])
    #expect(noName.standardError == "\(directory.path)/: error: is no file name: give the path of the file to write\n")
    // A FIFO (or a device) is not replaced by a file, and is not read from.
    let fifo = "\(directory.path)/fifo"
    #expect(mkfifo(fifo, 0o644) == 0)
    let special = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--out", fifo, kmap])
    #expect(special.status == 1)
    #expect(special.standardError == "\(fifo): error: is a device, FIFO or socket, not a regular file: give the path of a file to write, new or to replace\n")
    var info = stat()
    #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    let readFIFO = try run(capdiff, ["show", fifo])
    #expect(readFIFO.standardError == "\(fifo): error: is not a regular file: expected a file capdiff wrote\n")
    let escape = try run(capdiff, ["record", "--symbols", symbols, "--workload", "../w", "--out", "\(directory.path)/w.capmap", kmap])
    #expect(escape.status == 1)
    #expect(escape.standardError.contains("workload name '../w' contains a path separator"))
    let stdin = try run(capdiff, ["show", "-"])
    #expect(stdin.standardError == "-: error: a snapshot is read from a file or the store, not from standard input: give its path or a revision\n")
    // Workers the input has no chunk for cost nothing; beyond reason is a usage error.
    #expect(try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--jobs", "1024", "--out", "\(directory.path)/j", kmap]).status == 0)
    let jobs = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--jobs", "1025", "--out", "\(directory.path)/j", kmap])
    #expect(jobs.status == 2)
    #expect(jobs.standardError.contains("--jobs must be from 1 to 1024."))
    let usage = try run(capdiff, ["record", "--symbols", symbols, "--out", "\(directory.path)/o", csv])
    #expect(usage.status == 2)
    #expect(usage.standardError.contains("Missing expected argument '--workload <workload>'"))
    let damaged = try directory.write("damaged.capmap", "CAPMAP\u{0}\nxx")
    let show = try run(capdiff, ["show", damaged])
    #expect(show.status == 1)
    #expect(show.standardError == "\(damaged): error: snapshot is damaged or truncated\n")
    let folder = try run(capdiff, ["show", directory.path])
    #expect(folder.status == 1)
    #expect(folder.standardError == "\(directory.path): error: is a directory: expected a snapshot file or a revision\n")
    // A split kmap's halves are told by their place, not by --kmap-format.
    try directory.write("split/allocations", "alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type\n")
    try directory.write("split/accesses", "alloc_index,access_ip,pid,writes,reads\n")
    let forced = try run(
      capdiff, ["record", "--kmap-format", "legacy", "--symbols", symbols, "--workload", "w", "--out", "\(directory.path)/o", "\(directory.path)/split"])
    #expect(forced.status == 2)
    #expect(forced.standardError.contains("--kmap-format legacy applies to single kmaps"))
  }

  @Test func splitDirectoryAndVmlinuxWithDWARF() throws {
    let directory = try TemporaryDirectory()
    let elf = try KernelELF(
      in: directory,
      sources: [
        "kernel/cred.c": "int cred_jar_slot;\nint commit_creds(int x) {\n  return x + 1;\n}\n",
        "net/core/sock.c": "long sk_alloc(long n) {\n  return n * 2;\n}\nvoid start_kernel(void) { sk_alloc(1); }\n",
      ])
    let commit = try elf.address(of: "commit_creds")
    let alloc = try elf.address(of: "sk_alloc")
    let hex = { (value: UInt64) in String(value, radix: 16) }
    try directory.write(
      "split/allocations",
      "alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type\n\(hex(alloc + 4)),5,ffff888005c20000,2048,7,0,0,KMEM_CACHE,sshd,TCP,\n")
    try directory.write("split/accesses", "alloc_index,access_ip,pid,writes,reads\n7,\(hex(commit)),5,1,2\n")
    let out = "\(directory.path)/s.capmap"
    let record = try run(capdiff, ["record", "--symbols", elf.path, "--workload", "boot", "--out", out, "\(directory.path)/split"])
    #expect(record.status == 0, "\(record.standardError)")
    let summary = try json(try run(capdiff, ["show", "--format", "json", out]).standardOutput)
    #expect(summary["hasFileInformation"] as? Bool == true)
    let subjects = try #require(summary["topSubjects"] as? [[String: Any]])
    #expect(subjects.first?["function"] as? String == "commit_creds")
    #expect(subjects.first?["file"] as? String == "kernel/cred.c")
    let sites = try #require(summary["topSites"] as? [[String: Any]])
    #expect(sites.first?["site"] as? String == "sk_alloc [KMEM_CACHE, TCP]")
    #expect(sites.first?["file"] as? String == "net/core/sock.c")
    // A global object belongs to the file that defines the variable.
    let slot = try elf.address(of: "cred_jar_slot")
    let global = try directory.write("global.kmap", "6,1,\(hex(slot)),4,1,0,0,GLOBAL,swapper/0,no-slab,\n  \(hex(alloc)),1,0,1\n")
    let globalOut = "\(directory.path)/g.capmap"
    #expect(try run(capdiff, ["record", "--symbols", elf.path, "--workload", "boot", "--out", globalOut, global]).status == 0)
    let globalSites = try #require(
      try json(try run(capdiff, ["show", "--format", "json", globalOut]).standardOutput)["topSites"] as? [[String: Any]])
    #expect(globalSites.first?["site"] as? String == "cred_jar_slot [global]")
    #expect(globalSites.first?["file"] as? String == "kernel/cred.c")
    // Damaged DWARF is refused, not read as a kernel whose files are all unknown.
    let size = try #require(try ELFSections(path: elf.path).sections.first { $0.name == ".debug_abbrev" }?.size)
    let zeros = try directory.write("zeros", String(repeating: "\u{0}", count: Int(size)))
    let damaged = "\(directory.path)/damaged.elf"
    #expect(try run("/usr/bin/objcopy", ["--update-section", ".debug_abbrev=\(zeros)", elf.path, damaged]).status == 0)
    let refused = try run(capdiff, ["record", "--symbols", damaged, "--workload", "boot", "--out", "\(directory.path)/d.capmap", global])
    #expect(refused.status == 1)
    #expect(refused.standardError.hasPrefix("\(damaged): error: has damaged DWARF: libdw cannot read all of its compilation units"))
    #expect(!directory.exists("d.capmap"))
  }

  /// Functions outside every unit's ranges have no file: when most do, the
  /// recording says so rather than make them [unknown] in silence.
  @Test func functionsMostlyWithoutFilesAreCalledOut() throws {
    let directory = try TemporaryDirectory()
    // Assembly in a section of its own lies outside the C unit's ranges.
    let asm = (0..<12).map {
      "__asm__(\".section .text.asm\\n.globl asm_f\($0)\\n.type asm_f\($0), @function\\nasm_f\($0):\\n ret\\n nop\\n nop\\n nop\\n.size asm_f\($0), 4\\n.previous\\n\");\n"
    }
    let elf = try KernelELF(in: directory, sources: ["arch/x86/lib/a.c": "int entry_c(int x) {\n  return x;\n}\n" + asm.joined()])
    let hex = { (name: String) in String(try elf.address(of: name), radix: 16) }
    let accesses = try (0..<12).map { "  \(try hex("asm_f\($0)")),1,1,1\n" }.joined()
    let kmap = try directory.write("asm.kmap", "\(try hex("asm_f0")),1,ffff888000000000,8,1,0,0,KMALLOC,cat,kmalloc-8,\n" + accesses)
    let result = try run(capdiff, ["record", "--symbols", elf.path, "--workload", "w", "--out", "\(directory.path)/a.capmap", kmap])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(
      result.standardError.contains(
        "\(elf.path): warning: 12 of the 12 functions met have no source file in its DWARF: is it damaged, or were their files built without -g? Their components are [unknown]"
      ), "\(result.standardError)")
  }

  @Test func recordingIsDeterministic() throws {
    let directory = try TemporaryDirectory()
    let symbols = try directory.write("System.map", map)
    let kmap = try directory.write("k", kmapText)
    for name in ["a", "b"] {
      let result = try run(capdiff, ["record", "--symbols", symbols, "--workload", "w", "--out", "\(directory.path)/\(name)", kmap])
      #expect(result.status == 0)
    }
    let a = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/a"))
    let b = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/b"))
    #expect(a == b)
  }
}
