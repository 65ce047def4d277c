import Foundation

/// A fresh directory under the system temporary folder, removed on deinit.
public final class TemporaryDirectory: @unchecked Sendable {
  public let path: String

  public init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = "\(base)/capdiff-test-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `text` to `name` inside the directory (creating folders) and returns its path.
  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    try write(name, Array(text.utf8))
  }

  @discardableResult
  public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let file = "\(path)/\(name)"
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    // Not Data.write(to:), which leaves a TemporaryDirectory.* folder behind on Linux.
    guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file])
    }
    return file
  }

  public func exists(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: "\(path)/\(name)")
  }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var standardOutput: String
  public var standardError: String
}

/// Runs `executable` with `arguments`, feeding `input` to its standard input.
public func run(
  _ executable: String, _ arguments: [String], input: [UInt8]? = nil, directory: String? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  let inputPipe = Pipe()
  process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
  try process.run()
  if let input {
    try inputPipe.fileHandleForWriting.write(contentsOf: Data(input))
    try inputPipe.fileHandleForWriting.close()
  }
  // Read both pipes before waiting so a full pipe cannot block the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
    standardError: String(decoding: errData, as: UTF8.self))
}

/// Compresses `bytes` with a system tool (`gzip -c`, `zstd -c`).
public func compress(_ bytes: [UInt8], with tool: String) throws -> [UInt8] {
  let path = ["/usr/bin/\(tool)", "/bin/\(tool)"].first { FileManager.default.fileExists(atPath: $0) } ?? tool
  let result = try runBytes(path, ["-c", "-q"], input: bytes)
  return result
}

private func runBytes(_ executable: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let out = Pipe()
  let inputPipe = Pipe()
  process.standardOutput = out
  process.standardInput = inputPipe
  try process.run()
  DispatchQueue.global().async {
    try? inputPipe.fileHandleForWriting.write(contentsOf: Data(input))
    try? inputPipe.fileHandleForWriting.close()
  }
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return Array(data)
}

/// The package's root folder, found from this source file.
public let packageRoot: String = {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }
  return url.path
}()
