#include "common/guest_pattern.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace livecheck {

bool IsAcceptablePattern(const std::string& pattern) {
  if (pattern.size() > 256) return false;
  // Repeats nest, and std::regex builds states for each: bound their product.
  double states = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{' || (i > 0 && pattern[i - 1] == '\\')) continue;
    size_t j = i + 1;
    int64_t largest = 0, value = 0;
    while (j < pattern.size() && (std::isdigit(static_cast<unsigned char>(pattern[j])) || pattern[j] == ',')) {
      value = pattern[j] == ',' ? 0 : std::min<int64_t>(value * 10 + (pattern[j] - '0'), 1000000);
      largest = std::max(largest, value);
      ++j;
    }
    states *= static_cast<double>(std::max<int64_t>(largest, 1));
  }
  return states <= 10000;
}

GuestPattern::GuestPattern(const std::string& pattern) {
  constexpr auto kFlags = std::regex::ECMAScript | std::regex_constants::__polynomial;
  if (!IsAcceptablePattern(pattern)) throw std::regex_error(std::regex_constants::error_complexity);
  // Alone first: wrapped, an unbalanced ")(" would close the wrapper's group
  // and be accepted.
  std::regex alone(pattern, kFlags);
  // ^ and $ still assert the line's start and end (no multiline flag), and
  // the group does not capture, so the pattern means what it meant alone.
  anywhere_ = std::regex("[\\s\\S]*(?:" + pattern + ")[\\s\\S]*", kFlags);
}

bool GuestPattern::Found(std::string_view line) const {
  return std::regex_match(line.begin(), line.end(), anywhere_);
}

std::optional<LineMatch> FirstMatchingLine(std::string_view text, const GuestPattern& pattern) {
  size_t start = 0;
  while (start < text.size()) {
    size_t newline = text.find('\n', start);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string line(text.substr(start, std::min(end - start, kMaxMatchedLine)));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (pattern.Found(line))
      return LineMatch{newline == std::string_view::npos ? text.size() : newline + 1, std::move(line)};
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  return std::nullopt;
}

std::string LastLineForSummary(std::string_view output) {
  constexpr size_t kMaxSummaryLine = 160;
  std::string line;
  size_t end = output.find_last_not_of("\r\n");
  if (end != std::string_view::npos) {
    size_t start = output.find_last_of('\n', end);
    start = start == std::string_view::npos ? 0 : start + 1;
    line = std::string(output.substr(start, end - start + 1));
  }
  if (line.size() > kMaxSummaryLine) {
    line.resize(kMaxSummaryLine);
    line += "...";
  }
  for (auto& c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return line;
}

}  // namespace livecheck
