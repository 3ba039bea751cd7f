#include "builder/exclude_list.h"

#include <fnmatch.h>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"

namespace livecheck {
namespace {

std::string Normalize(std::string_view line) {
  while (!line.empty() && (line.back() == '/' || line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  while (!line.empty() && (line.front() == '/' || line.front() == ' ')) line.remove_prefix(1);
  return std::string(line);
}

bool HasWildcard(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

}  // namespace

ExcludeList::ExcludeList(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (line.empty() || line[0] == '#') continue;
    auto pattern = Normalize(line);
    if (!pattern.empty()) patterns_.push_back(pattern);
  }
}

ExcludeList ExcludeList::FromFile(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error(fmt::format("exclude file {} does not exist", file.string()));
  std::vector<std::string> lines;
  std::string text = ReadFile(file);
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return ExcludeList(lines);
}

void ExcludeList::Append(const ExcludeList& other) {
  patterns_.insert(patterns_.end(), other.patterns_.begin(), other.patterns_.end());
}

bool ExcludeList::Excludes(std::string_view relative_path) const {
  std::string path(relative_path);
  for (const auto& pattern : patterns_) {
    if (!HasWildcard(pattern)) {
      if (path == pattern || (path.size() > pattern.size() && path.compare(0, pattern.size(), pattern) == 0 &&
                              path[pattern.size()] == '/'))
        return true;
      continue;
    }
    // A pattern matches a path when it matches the path or one of its
    // ancestors: "usr/*/doc" excludes usr/share/doc and all below it.
    for (size_t end = path.find('/'); ; end = path.find('/', end + 1)) {
      std::string prefix = path.substr(0, end);
      if (fnmatch(pattern.c_str(), prefix.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
      if (end == std::string::npos) break;
    }
  }
  return false;
}

}  // namespace livecheck
