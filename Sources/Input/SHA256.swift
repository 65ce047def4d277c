internal import CCrypto

/// A streaming SHA-256 (OpenSSL's libcrypto), for the digests of the inputs
/// a snapshot was recorded from.
final class SHA256Hasher {
  private let context: OpaquePointer?

  init() {
    context = EVP_MD_CTX_new()
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
  }

  deinit { EVP_MD_CTX_free(context) }

  func update(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count > 0 else { return }
    EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
  }

  /// `sha256:` and 64 hex digits.
  func finish() -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &digest, &length)
    return "sha256:" + digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }
}
