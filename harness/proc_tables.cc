#include "harness/proc_tables.h"
#include "common/text_lines.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace livecheck {
namespace {


std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

// The kernel writes space, tab, newline and backslash in paths as \ooo.
std::string Unescape(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && field.size() - i >= 4) {
      int value = 0;
      auto [ptr, ec] = std::from_chars(field.data() + i + 1, field.data() + i + 4, value, 8);
      if (ec == std::errc() && ptr == field.data() + i + 4 && value < 256) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

bool ParseUnsigned(std::string_view text, uint64_t& value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

nlohmann::json ParseProcMounts(std::string_view text) {
  auto list = nlohmann::json::array();
  for (auto line : SplitLines(text)) {
    auto f = Fields(line);
    if (f.size() < 4) continue;
    list.push_back({{"source", Unescape(f[0])}, {"mount_point", Unescape(f[1])}, {"fs_type", std::string(f[2])},
                    {"options", Unescape(f[3])}});
  }
  return list;
}

nlohmann::json ParseProcSwaps(std::string_view text) {
  auto list = nlohmann::json::array();
  for (auto line : SplitLines(text)) {
    auto f = Fields(line);
    if (f.size() < 2 || f[0] == "Filename") continue;
    list.push_back({{"device", Unescape(f[0])}, {"type", std::string(f[1])}});
  }
  return list;
}

nlohmann::json ParseBlockDevices(std::string_view text) {
  auto list = nlohmann::json::array();
  for (auto line : SplitLines(text)) {
    auto f = Fields(line);
    uint64_t sectors = 0;
    if (f.size() != 3 || !ParseUnsigned(f[1], sectors) || sectors > (UINT64_MAX >> 9)) continue;
    std::string name(f[0]);
    list.push_back({{"name", name}, {"device", "/dev/" + name}, {"bytes", sectors * 512}, {"removable", f[2] == "1"}});
  }
  return list;
}

}  // namespace livecheck
