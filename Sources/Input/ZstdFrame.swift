internal import CZstd

/// One-shot zstd frames, for evidence files kept inside a snapshot.
public enum ZstdFrame {
  /// Compresses `bytes` at level 19: evidence is written once and read
  /// rarely, and kallsyms text shrinks about tenfold.
  public static func compress(_ bytes: [UInt8]) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
    let size = output.withUnsafeMutableBytes { out in
      bytes.withUnsafeBytes { input in ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, 19) }
    }
    // Only a destination smaller than the bound can fail.
    precondition(ZSTD_isError(size) == 0, "ZSTD_compress: \(String(cString: ZSTD_getErrorName(size)))")
    return Array(output[0..<size])
  }

  /// Decompresses a frame that must hold exactly `size` bytes; nil if it is damaged.
  public static func decompress(_ frame: ArraySlice<UInt8>, size: Int) -> [UInt8]? {
    // The frame says how much it holds: a damaged size must not be allocated first.
    let declared = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
    guard declared == UInt64(size) else { return nil }
    var output = [UInt8](repeating: 0, count: size)
    let produced = output.withUnsafeMutableBytes { out in
      frame.withUnsafeBytes { input in ZSTD_decompress(out.baseAddress, out.count, input.baseAddress, input.count) }
    }
    guard ZSTD_isError(produced) == 0, produced == size else { return nil }
    return output
  }
}
