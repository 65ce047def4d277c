import Testing

@testable import Components

@Suite struct GlobTests {
  @Test func starsStayWithinAComponentAndDoubleStarsCross() {
    #expect(Glob("fs/*").matches("fs/ext4"))
    #expect(!Glob("fs/*").matches("fs/ext4/inode.c"))
    #expect(Glob("fs/**").matches("fs/ext4/inode.c"))
    #expect(Glob("fs/**/inode.c").matches("fs/ext4/inode.c"))
    #expect(Glob("*_fill_super").matches("ext4_fill_super"))
    #expect(Glob("ext?_*").matches("ext4_fill_super"))
    #expect(!Glob("ext?").matches("ext/"))
    #expect(Glob("*").matches(""))
    #expect(!Glob("a").matches(""))
    #expect(Glob("").matches(""))
    // A longer run of stars is `**`.
    #expect(Glob("fs/***").matches("fs/ext4/inode.c"))
  }

  /// Backtracking took seconds at 12 stars and never finished at 60.
  @Test func manyStarsMatchInPolynomialTime() {
    let path = String(repeating: "a/", count: 200) + "b"
    #expect(!Glob(String(repeating: "*a", count: 60) + "NOPE").matches(path))
    #expect(!Glob(String(repeating: "**a", count: 60) + "NOPE").matches(path))
    #expect(Glob(String(repeating: "**a", count: 60) + "**b").matches(path))
  }
}
