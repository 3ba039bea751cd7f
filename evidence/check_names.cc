#include "evidence/check_names.h"

namespace livecheck {

const std::vector<std::string>& CheckNames() {
  static const std::vector<std::string> names = {
      "lower-readonly", "upper-tmpfs", "union-root", "ram-copy", "no-disk-writes", "internal-disk-untouched",
      "canary",         "ram-residue", "boot-timing", "own-medium"};
  return names;
}

bool IsHostCheck(const std::string& name) {
  return name == "no-disk-writes" || name == "internal-disk-untouched" || name == "boot-timing" || name == "canary" ||
         name == "own-medium";
}

std::string StepCheckName(const std::string& kind, const std::string& text) {
  constexpr size_t kMaxShown = 80;
  std::string shown = text.size() > kMaxShown ? text.substr(0, kMaxShown) + "..." : text;
  for (auto& c : shown)
    if (c == '\n' || c == '\t') c = ' ';
  return kind + ": " + shown;
}

}  // namespace livecheck
