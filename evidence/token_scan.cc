#include "evidence/token_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/process.h"

namespace livecheck {

std::vector<uint64_t> FindToken(const fs::path& file, const std::string& token, size_t max_hits) {
  std::vector<uint64_t> hits;
  if (token.empty()) return hits;
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(DescribeIoError("read", file, errno));
  constexpr size_t kChunk = 8 << 20;
  std::string buffer(kChunk + token.size(), '\0');
  size_t carried = 0;      // bytes kept from the previous chunk's end
  uint64_t base = 0;       // file offset of buffer[0]
  while (hits.size() < max_hits) {
    ssize_t n = read(fd, buffer.data() + carried, kChunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      throw Error(DescribeIoError("read", file, error));
    }
    if (n == 0) break;
    size_t size = carried + static_cast<size_t>(n);
    const char* start = buffer.data();
    const char* end = start + size;
    for (const char* at = start; hits.size() < max_hits;) {
      auto* found = static_cast<const char*>(memmem(at, static_cast<size_t>(end - at), token.data(), token.size()));
      if (!found) break;
      hits.push_back(base + static_cast<uint64_t>(found - start));
      at = found + 1;
    }
    // Keep the last token.size()-1 bytes: a token across the border is found next time.
    carried = std::min(size, token.size() - 1);
    std::memmove(buffer.data(), buffer.data() + size - carried, carried);
    base += size - carried;
  }
  close(fd);
  return hits;
}

std::optional<uint64_t> OverlayGuestOffset(const fs::path& overlay, uint64_t file_offset) {
  auto map = RunProcess({.argv = {"qemu-img", "map", "--output=json", overlay.string()}});
  if (map.exit_code != 0) return std::nullopt;
  auto extents = nlohmann::json::parse(map.out, nullptr, false);
  if (!extents.is_array()) return std::nullopt;
  for (const auto& e : extents) {
    if (IntField(e, "depth", -1) != 0 || !BoolField(e, "data", false) || !FieldPtr(e, "offset")) continue;
    auto host = static_cast<uint64_t>(IntField(e, "offset", 0));
    auto length = static_cast<uint64_t>(IntField(e, "length", 0));
    if (file_offset >= host && file_offset < host + length)
      return static_cast<uint64_t>(IntField(e, "start", 0)) + (file_offset - host);
  }
  return std::nullopt;
}

std::string RandomSecretToken(const std::string& prefix) {
  std::random_device rd;
  return fmt::format("{}-{:08x}{:08x}{:08x}{:08x}", prefix, rd(), rd(), rd(), rd());
}

std::string HexEncode(const std::string& text) {
  std::string hex;
  for (unsigned char c : text) hex += fmt::format("{:02x}", c);
  return hex;
}

}  // namespace livecheck
