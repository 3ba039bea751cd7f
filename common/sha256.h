#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace livecheck {

/// Incremental SHA-256 (OpenSSL's EVP), hex output.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  /// Adds a length-prefixed field, so ("ab","c") and ("a","bc") hash differently.
  void UpdateField(std::string_view data);
  std::string HexDigest();

 private:
  EVP_MD_CTX* ctx_;
};

std::string Sha256Hex(std::string_view data);
/// Throws Error when the file cannot be read.
std::string Sha256File(const std::filesystem::path& path);

}  // namespace livecheck
