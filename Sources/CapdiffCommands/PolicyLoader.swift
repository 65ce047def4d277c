import Foundation
import Input
import Policy

/// Reads `--policy FILE`.
enum PolicyLoader {
  static func load(_ path: String) throws -> Policy {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(.io, file: path, "cannot read the policy file")
    }
    return try Policy(yaml: String(decoding: data, as: UTF8.self), file: path)
  }
}
