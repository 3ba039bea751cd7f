#include "evidence/proc_tables.h"
#include "common/text_lines.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace livecheck {
namespace {


bool ParseUnsigned(std::string_view text, uint64_t& value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

nlohmann::json ParseProcMounts(std::string_view text) {
  auto list = nlohmann::json::array();
  for (auto line : SplitLines(text)) {
    auto f = SplitFields(line);
    if (f.size() < 4) continue;
    list.push_back({{"source", UnescapeOctal(f[0])}, {"mount_point", UnescapeOctal(f[1])}, {"fs_type", std::string(f[2])},
                    {"options", UnescapeOctal(f[3])}});
  }
  return list;
}

nlohmann::json ParseProcSwaps(std::string_view text) {
  auto list = nlohmann::json::array();
  for (auto line : SplitLines(text)) {
    auto f = SplitFields(line);
    if (f.size() < 2 || f[0] == "Filename") continue;
    list.push_back({{"device", UnescapeOctal(f[0])}, {"type", std::string(f[1])}});
  }
  return list;
}

nlohmann::json ParseBlockDevices(std::string_view text) {
  auto list = nlohmann::json::array();
  for (auto line : SplitLines(text)) {
    auto f = SplitFields(line);
    uint64_t sectors = 0;
    if (f.size() != 3 || !ParseUnsigned(f[1], sectors) || sectors > (UINT64_MAX >> 9)) continue;
    std::string name(f[0]);
    list.push_back({{"name", name}, {"device", "/dev/" + name}, {"bytes", sectors * 512}, {"removable", f[2] == "1"}});
  }
  return list;
}

}  // namespace livecheck
