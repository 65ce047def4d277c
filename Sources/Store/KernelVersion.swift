import Foundation

/// The kernel version a tree's top-level Makefile declares.
public enum KernelVersion {
  /// `6.1.170`, `6.12.0-rc3`: VERSION.PATCHLEVEL.SUBLEVEL and EXTRAVERSION;
  /// nil when the Makefile declares no VERSION.
  public static func parse(makefile: String) -> String? {
    var fields: [String: String] = [:]
    for line in makefile.textLines().prefix(40) {
      let parts = line.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let key = parts[0].trimmingCharacters(in: .whitespaces)
      if ["VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION"].contains(key), fields[key] == nil {
        fields[key] = parts[1].trimmingCharacters(in: .whitespaces)
      }
    }
    guard let version = fields["VERSION"], !version.isEmpty else { return nil }
    var text = version
    for key in ["PATCHLEVEL", "SUBLEVEL"] {
      guard let value = fields[key], !value.isEmpty else { break }
      text += ".\(value)"
    }
    return text + (fields["EXTRAVERSION"] ?? "")
  }
}

