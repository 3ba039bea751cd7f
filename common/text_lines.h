// Splitting text that came from a tool or a guest into lines, without copies.
#pragma once
#include <string_view>
#include <vector>

namespace livecheck {

/// The lines of `text` without their '\n' (a final line without one counts).
inline std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace livecheck
