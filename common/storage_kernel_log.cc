#include "common/storage_kernel_log.h"

#include <array>

namespace livecheck {
namespace {

// Prefixes of the messages of 6.1's file systems, swap, md and dm.
constexpr std::array<std::string_view, 14> kSubjects = {
    "EXT4-fs (", "EXT3-fs (", "EXT2-fs (", "EXT4-fs warning (device ", "XFS (", "BTRFS ", "FAT-fs (",
    "exFAT-fs (", "ntfs3: ", "ntfs: ", "F2FS-fs (", "md/", "md: ", "device-mapper: "};

// The text after "<6>" and "[    2.345678] " (either may be missing).
std::string_view Message(std::string_view line) {
  if (line.size() > 2 && line[0] == '<') {
    auto close = line.find('>');
    if (close != std::string_view::npos && close < 5) line.remove_prefix(close + 1);
  }
  if (!line.empty() && line[0] == '[') {
    auto close = line.find("] ");
    if (close != std::string_view::npos && close < 20) line.remove_prefix(close + 2);
  }
  return line;
}

}  // namespace

bool IsStorageKernelMessage(std::string_view line) {
  auto text = Message(line);
  for (auto subject : kSubjects)
    if (text.substr(0, subject.size()) == subject) return true;
  return text.substr(0, 7) == "Adding " && text.find(" swap on ") != std::string_view::npos;
}

std::vector<std::string> StorageKernelMessages(std::string_view text, size_t max_lines) {
  std::vector<std::string> lines;
  while (!text.empty() && lines.size() < max_lines) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!IsStorageKernelMessage(line)) continue;
    if (line.size() > 2 && line[0] == '<' && line.find('>') < 5) line.remove_prefix(line.find('>') + 1);
    std::string clean;
    for (char c : line.substr(0, 300)) clean += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    lines.push_back(clean);
  }
  return lines;
}

}  // namespace livecheck
