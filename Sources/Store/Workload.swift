/// Workload names become file names in a directory store: only names that
/// cannot escape it are accepted.
public enum Workload {
  public static func validate(_ name: String, store: String) throws(StoreError) {
    let problem: String?
    if name.isEmpty {
      problem = "is empty"
    } else if name.contains("/") || name.contains("\\") {
      problem = "contains a path separator"
    } else if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      problem = "contains a control character or NUL"
    } else if name.hasPrefix(".") {
      problem = "starts with '.'"
    } else if name.utf8.count > 100 {
      problem = "is longer than 100 bytes"
    } else {
      problem = nil
    }
    if let problem {
      throw StoreError(
        store: store,
        "workload name '\(name.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())' \(problem); use letters, digits, '-', '_', '.' and '+' (e.g. ltp, boot, syscalls-x86)"
      )
    }
  }
}
