#include "reports/bundle_signature.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "common/error.h"
#include "common/sha256.h"

namespace livecheck {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

// A private key's PEM, or failing that a public key's: both answer for the public half.
Key ReadKey(const fs::path& pem, bool need_private) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(pem.c_str(), "r"), std::fclose);
  if (!file) throw Error(fmt::format("{}: cannot read the key file", pem.string()));
  Key key(PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
  if (!key && !need_private) {
    std::rewind(file.get());
    key.reset(PEM_read_PUBKEY(file.get(), nullptr, nullptr, nullptr));
  }
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw Error(fmt::format("{}: not an Ed25519 {} key in PEM (openssl genpkey -algorithm ed25519)", pem.string(),
                            need_private ? "private" : "public"));
  return key;
}

std::string Fingerprint(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int size = i2d_PUBKEY(key, &der);
  if (size <= 0) throw Error("cannot encode a public key");
  std::string fingerprint = Sha256Hex(std::string_view(reinterpret_cast<const char*>(der), size));
  OPENSSL_free(der);
  return fingerprint;
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string out;
  for (size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", data[i]);
  return out;
}

bool FromHex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(std::string(hex.substr(i, 2)).c_str(), "%2x", &value) != 1) return false;
    out.push_back(static_cast<unsigned char>(value));
  }
  return true;
}

}  // namespace

Signature SignEd25519(std::string_view message, const fs::path& private_key_pem) {
  auto key = ReadKey(private_key_pem, true);
  Ctx ctx(EVP_MD_CTX_new());
  unsigned char signature[64];
  size_t size = sizeof signature;
  // Ed25519 hashes the message itself: no digest is named.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &size, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1)
    throw Error(fmt::format("{}: signing failed", private_key_pem.string()));
  return {Hex(signature, size), Fingerprint(key.get())};
}

std::string PublicKeyFingerprint(const fs::path& public_key_pem) {
  return Fingerprint(ReadKey(public_key_pem, false).get());
}

bool VerifyEd25519(std::string_view message, std::string_view signature_hex, const fs::path& public_key_pem) {
  auto key = ReadKey(public_key_pem, false);
  std::vector<unsigned char> signature;
  if (!FromHex(signature_hex, signature)) return false;
  Ctx ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace livecheck
