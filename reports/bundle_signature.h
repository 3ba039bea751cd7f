#pragma once
// Ed25519 signatures over an evidence bundle's manifest, with OpenSSL: keys
// are PEM files (`openssl genpkey -algorithm ed25519`), a key's fingerprint
// is the SHA-256 of its DER SubjectPublicKeyInfo.
#include <filesystem>
#include <string>
#include <string_view>

namespace livecheck {

namespace fs = std::filesystem;

struct Signature {
  std::string hex;                    ///< the 64-byte signature, hex
  std::string public_key_sha256;      ///< fingerprint of the signer's public key
};

/// Signs `message` with the Ed25519 private key in `private_key_pem`.
/// Throws Error (bad input) naming the file when it is no such key.
Signature SignEd25519(std::string_view message, const fs::path& private_key_pem);

/// Fingerprint of the public key in `public_key_pem` (a private key's file
/// gives its public half). Throws Error naming the file.
std::string PublicKeyFingerprint(const fs::path& public_key_pem);

/// Whether `signature_hex` is `public_key_pem`'s signature of `message`.
bool VerifyEd25519(std::string_view message, std::string_view signature_hex, const fs::path& public_key_pem);

}  // namespace livecheck
